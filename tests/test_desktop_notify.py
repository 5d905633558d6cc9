"""Desktop notifications over a private session D-Bus with a notification service of the
test's own (it records every Notify call), and none at all."""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_helpers import wait_for

from genet_rx.wire.desktop_notify import notify


@pytest.fixture
def session_bus(tmp_path: Path) -> Iterator[str]:
    """A private ``dbus-daemon --session``; its address."""
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("no dbus-daemon (Debian's dbus)")
    proc = subprocess.Popen([daemon, "--session", "--nofork", "--print-address",
                             f"--address=unix:path={tmp_path}/bus"],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    address = proc.stdout.readline().strip()
    yield address
    proc.terminate()
    proc.wait(10)


class Recorder:
    """A tiny org.freedesktop.Notifications: records Notify calls, answers an id."""

    def __init__(self, address: str) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import Proxy, open_dbus_connection

        self.calls: list[tuple[object, ...]] = []
        self.conn = open_dbus_connection(bus=address)
        Proxy(message_bus, self.conn).RequestName("org.freedesktop.Notifications")
        self._stop = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        from jeepney import HeaderFields, MessageType, new_method_return

        while not self._stop:
            try:
                msg = self.conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except Exception:
                return
            fields = msg.header.fields
            if (msg.header.message_type is MessageType.method_call
                    and fields.get(HeaderFields.member) == "Notify"):
                self.calls.append(msg.body)
                self.conn.send(new_method_return(msg, "u", (len(self.calls),)))

    def close(self) -> None:
        self._stop = True
        self.thread.join(5)
        self.conn.close()


def test_an_alert_reaches_the_desktop_notification_service(session_bus: str) -> None:
    service = Recorder(session_bus)
    try:
        shown = notify("web died (exit 3)", "on unix:///run/docker.sock",
                       env={"DBUS_SESSION_BUS_ADDRESS": session_bus})
        wait_for(lambda: service.calls, what="a Notify call")
    finally:
        service.close()
    assert shown
    app_name, _replaces, _icon, summary, body, *_ = service.calls[0]
    assert app_name == "Genet"
    assert summary == "web died (exit 3)"
    assert body == "on unix:///run/docker.sock"


def test_a_bus_without_a_notification_service_is_no_error(session_bus: str) -> None:
    assert notify("web died", "", env={"DBUS_SESSION_BUS_ADDRESS": session_bus}) is False


def test_no_session_bus_at_all_is_no_error() -> None:
    assert notify("web died", "", env={}) is False
    assert notify("web died", "", env={"DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent"}) \
        is False
