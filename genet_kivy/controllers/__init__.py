"""The app's per-concern logic, apart from the widgets and from the App's lifecycle.

``feed``: the engine's streams onto the main thread, one state a frame; ``calls``: one-shot
Observables (commands, inspects) taken on the main thread; ``notices``: what the app tells a
person and asks before acting.
"""
