"""A fast ``dataclasses.replace`` for the frozen, slotted values the folds copy per event.

``dataclasses.replace`` introspects the class on every call (its fields, their init flags,
a keyword dict for ``__init__``) and then runs the frozen ``__init__``, which sets each field
through ``object.__setattr__``: about 60 % of the container fold went there. :func:`replacer`
does that work once per class. Like ``dataclasses`` itself, it writes the copying function as
source and compiles it: one straight line per field, reading the old value unless a new one is
given, stored through the slot's own descriptor. No ``__post_init__`` runs, so it is only for
dataclasses without one (checked).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


def replacer(cls: type[T]) -> Callable[..., T]:
    """A function ``(old, **changes) -> new`` equal to ``dataclasses.replace`` on ``cls``.

    ``cls`` must be a frozen dataclass with ``slots=True``, every field an ``__init__``
    argument, and no ``__post_init__``. An unknown keyword raises ``TypeError`` as
    ``dataclasses.replace`` does.
    """
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    if not (params.frozen and "__slots__" in cls.__dict__) or hasattr(cls, "__post_init__") \
            or not all(f.init for f in fields):
        raise TypeError(f"replacer() needs a frozen, slotted dataclass: {cls.__name__}")
    names = [f.name for f in fields]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_KEEP": _KEEP}
    for name in names:
        scope[f"_set_{name}"] = getattr(cls, name).__set__
    args = ", ".join(f"{name}=_KEEP" for name in names)
    body = "".join(
        f"    _set_{name}(new, old.{name} if {name} is _KEEP else {name})\n" for name in names)
    source = f"def replace(old, *, {args}):\n    new = _new(_cls)\n{body}    return new\n"
    exec(compile(source, f"<replacer of {cls.__qualname__}>", "exec"), scope)
    fn: Callable[..., T] = scope["replace"]
    fn.__qualname__ = f"replacer({cls.__qualname__})"
    return fn


class _Keep:
    """The default of every keyword: keep the old value (``None`` is a value)."""

    __slots__ = ()


_KEEP = _Keep()
