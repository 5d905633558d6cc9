"""Panels: the generic resource panel (list and detail for any kind, driven by a spec), the
container panel's controller, and the dialogs a panel opens itself (a picker, disk usage)."""
