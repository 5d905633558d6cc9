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
    names, scope = _slots("replacer", cls)
    args = ", ".join(f"{name}=_KEEP" for name in names)
    body = "".join(
        f"    _set_{name}(new, old.{name} if {name} is _KEEP else {name})\n" for name in names)
    source = f"def replace(old, *, {args}):\n    new = _new(_cls)\n{body}    return new\n"
    return _compile("replacer", cls, source, scope)


def maker(cls: type[T]) -> Callable[..., T]:
    """A function equal to calling ``cls`` (same parameters, defaults and default factories)
    without the frozen ``__init__``'s ``object.__setattr__`` per field, for a value built per
    event or per listed row. Same conditions on ``cls`` as :func:`replacer`."""
    names, scope = _slots("maker", cls)
    params, body = [], []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.default is not dataclasses.MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_KEEP")
            body.append(f"    if {f.name} is _KEEP:\n        {f.name} = _factory_{f.name}()\n")
        else:
            params.append(f.name)
    body += [f"    _set_{name}(new, {name})\n" for name in names]
    source = (f"def make({', '.join(params)}):\n    new = _new(_cls)\n"
              f"{''.join(body)}    return new\n")
    return _compile("maker", cls, source, scope)


def _slots(what: str, cls: type[Any]) -> tuple[list[str], dict[str, Any]]:
    """The field names of ``cls``, and a scope holding a setter per slot."""
    fields = dataclasses.fields(cls)
    params = cls.__dataclass_params__
    if not (params.frozen and "__slots__" in cls.__dict__) or hasattr(cls, "__post_init__") \
            or not all(f.init for f in fields):
        raise TypeError(f"{what}() needs a frozen, slotted dataclass: {cls.__name__}")
    names = [f.name for f in fields]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_KEEP": _KEEP}
    for name in names:
        scope[f"_set_{name}"] = getattr(cls, name).__set__
    return names, scope


def _compile(what: str, cls: type[T], source: str, scope: dict[str, Any]) -> Callable[..., T]:
    exec(compile(source, f"<{what} of {cls.__qualname__}>", "exec"), scope)
    fn: Callable[..., T] = scope[source[4:source.index("(")]]
    fn.__qualname__ = f"{what}({cls.__qualname__})"
    return fn


class _Keep:
    """The default of every keyword: keep the old value (``None`` is a value)."""

    __slots__ = ()


_KEEP = _Keep()
