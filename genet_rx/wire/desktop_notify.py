"""Native desktop notifications: the freedesktop notification service on the session D-Bus.

``notify`` sends one ``org.freedesktop.Notifications.Notify`` call through ``jeepney`` (pure
Python D-Bus) and says whether a notification service took it. No session bus, no service
on it, or a service that refuses: False, never an exception — the app then tells the person
in its own window only. Blocking (a local socket, a 2 s bound): call it off the UI thread.
"""

from __future__ import annotations

from collections.abc import Mapping

from jeepney import DBusAddress, MessageType, new_method_call
from jeepney.io.blocking import open_dbus_connection

SERVICE = DBusAddress("/org/freedesktop/Notifications", bus_name="org.freedesktop.Notifications",
                      interface="org.freedesktop.Notifications")
TIMEOUT_S = 2.0


def notify(summary: str, body: str, app_name: str = "Genet",
           env: Mapping[str, str] | None = None) -> bool:
    """Show a notification on the desktop; True if the notification service answered.

    ``env``: where to find the session bus (``DBUS_SESSION_BUS_ADDRESS``); this process's
    environment by default.
    """
    import os

    address = (os.environ if env is None else env).get("DBUS_SESSION_BUS_ADDRESS", "")
    if not address:
        return False
    call = new_method_call(SERVICE, "Notify", "susssasa{sv}i",
                           (app_name, 0, "", summary, body, [], {}, -1))
    try:
        with open_dbus_connection(bus=address, enable_fds=False) as conn:
            reply = conn.send_and_get_reply(call, timeout=TIMEOUT_S)
    except Exception:  # no bus, a broken one, a timeout: in-app only
        return False
    return bool(reply.header.message_type is MessageType.method_return)
