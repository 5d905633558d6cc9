"""The forms a swarm service's actions open: Scale (a stepper a finger can use) and Update
image. Each hands its command to the resource panel, which sends it on the app's Rx command
path and shows the result (an out-of-sequence refusal offers a retry).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.modalview import ModalView

from genet_rx.engine.commands import ScaleService, UpdateServiceImage
from genet_rx.model.swarm import Service

MAX_REPLICAS = 999


def stepped(replicas: int, step: int) -> int:
    """The stepper's next count: never below 0 nor above :data:`MAX_REPLICAS`."""
    return max(0, min(MAX_REPLICAS, replicas + step))


class ScaleDialog(ModalView):
    """Minus and plus buttons of 64 dp around the count, then Scale; the count can be typed too."""

    title = StringProperty("")
    replicas = NumericProperty(1)
    was = NumericProperty(1)

    def __init__(self, on_scale: Callable[[int], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_scale = on_scale

    def step(self, by: int) -> None:
        self.replicas = stepped(int(self.replicas), by)

    def typed(self, text: str) -> None:
        if text.strip().isdigit():
            self.replicas = stepped(int(text), 0)

    def scale(self) -> None:
        self.dismiss()
        self._on_scale(int(self.replicas))


class ImageDialog(ModalView):
    """The new image reference for a rolling update (the current one filled in)."""

    title = StringProperty("")
    image = StringProperty("")
    ready = BooleanProperty(False)  # a reference other than the current one is typed

    def __init__(self, on_update: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._on_update = on_update

    def typed(self, text: str) -> None:
        self.ready = bool(text.strip()) and text.strip() != self.image

    def update(self) -> None:
        image = self.ids.reference.text.strip()
        if not self.ready:
            return
        self.dismiss()
        self._on_update(image)


def open_scale(panel: Any, service: Service | None) -> None:
    if service is None or not panel.app.live:
        return
    current = service.replicas if service.replicas is not None else (service.desired or 0)

    def scale(replicas: int) -> None:
        panel.send_command("scale", ScaleService(service.id, replicas), service, "Scaling…",
                           f"Scaling {service.name} to {replicas}.")

    panel.app.notices.show(ScaleDialog(scale, title=f"Scale {service.name}",
                                       replicas=current, was=current))


def open_update_image(panel: Any, service: Service | None) -> None:
    if service is None or not panel.app.live:
        return

    def update(image: str) -> None:
        panel.send_command("update_image", UpdateServiceImage(service.id, image), service,
                           "Updating…", f"Updating {service.name} to {image}, task by task.")

    panel.app.notices.show(ImageDialog(update, title=f"Update the image of {service.name}",
                                       image=service.image))
