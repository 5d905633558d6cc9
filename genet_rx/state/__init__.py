"""The pure folds: one per kind of object, and the engine state that dispatches to them."""
