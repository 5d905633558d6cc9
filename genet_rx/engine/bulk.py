"""Acting on many objects at once: bounded concurrency, one summary a person can read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import reactivex
from reactivex import Observable
from reactivex import operators as ops

from genet_rx.engine.commands import Command, CommandResult, Outcome
from genet_rx.model.containers import COMPOSE_PROJECT, Container
from genet_rx.state.containers import ContainerTable


def execute_many(execute: Callable[[Command], Observable[CommandResult]],
                 commands: Iterable[Command], limit: int = 4) -> Observable[CommandResult]:
    """Every command's result, at most ``limit`` on their way at once (the engine is not
    flooded, and a slow one does not hold the rest back); completes after the last."""
    return reactivex.from_iterable([execute(c) for c in commands]).pipe(
        ops.merge(max_concurrent=limit))


def summary(results: Sequence[CommandResult], done: str, already: str) -> str:
    """'7 stopped · 1 already stopped · 1 failed: web: No such container' — in that order."""
    counts = Counter(r.outcome for r in results)
    parts = []
    if counts[Outcome.DONE]:
        parts.append(f"{counts[Outcome.DONE]} {done}")
    if counts[Outcome.ALREADY]:
        parts.append(f"{counts[Outcome.ALREADY]} {already}")
    failed = [r for r in results if r.outcome is Outcome.FAILED]
    if failed:
        reasons = "; ".join(f"{r.command.target[:12]}: {r.message}" for r in failed[:3])
        more = f" (+{len(failed) - 3} more)" if len(failed) > 3 else ""
        parts.append(f"{len(failed)} failed: {reasons}{more}")
    return " · ".join(parts) or "nothing to do"


def project_containers(table: ContainerTable, project: str) -> list[Container]:
    """The containers of one compose project (by its label), by name: Genet acts on
    containers only and never needs the compose file."""
    found = [c for c in table.rows.values() if c.labels.get(COMPOSE_PROJECT) == project]
    return sorted(found, key=lambda c: (c.name.lower(), c.id))
