"""Genet's desktop shell: the Kivy app on genet_rx's live table.

Kept import-light on purpose: ``genet watch`` goes through ``genet_kivy.main`` and must not
import Kivy (which configures itself, reads argv and opens a window on import). Modules:

* ``scheduler`` — a reactivex scheduler on Kivy's Clock that drains all queued work a frame.
* ``presenters``, ``describe``, ``actions`` — pure presentation (no Kivy): sidebar rows,
  words/colours/times and detail fields, which controls a state allows.
* ``app``, ``shell``, ``sidebar``, ``detail``, ``notices``, ``buttons``, ``theme`` — the App
  and its widgets; layouts live in ``kv/``, one file per widget class, loaded in ``build()``.
* ``main`` — the ``genet`` console script.
"""
