"""A swarm service's Logs tab: the container Logs tab (search, save, auto-scroll, the ring)
following ``engine.service_logs``, each line marked with its task and node (``web.2@node-1``).

The resource panel calls :meth:`ServiceLogsView.show_service` while the tab is on screen and
``leave()`` when it is not, as the container detail does for its live tabs.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reactivex import Observable
from reactivex import operators as ops

from genet_rx.model.containers import Container, State
from genet_rx.model.logs import LogLine
from genet_rx.model.service_logs import ServiceLogLine
from genet_rx.model.swarm import Service

from ..kinds.services import marked
from ..logs_view import LogsView


class ServiceLogsView(LogsView):
    """Every task's output of one service (see the module doc)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.labels: Mapping[str, str] = {}  # task id → its mark; replaced, never edited

    def show_service(self, service: Service | None, labels: Mapping[str, str]) -> None:
        self.labels = labels
        # A service's log goes on as long as the service: followed as a running container's.
        stand_in = None if service is None else Container(
            id=service.id, name=service.name, state=State.RUNNING)
        self.show_container(stand_in)

    def source(self, c: Container) -> Observable[LogLine]:
        lines: Observable[ServiceLogLine] = self.app.engine.service_logs(
            c.id, follow=True, tail=self.model.capacity, timestamps=self.timestamps)
        return lines.pipe(ops.map(lambda line: marked(line, self.labels)))
