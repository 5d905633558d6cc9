"""When the on-screen keyboard is wanted: the flag, a kiosk, and the kernel's input devices."""

from __future__ import annotations

from genet_kivy.osk import has_physical_keyboard, osk_wanted

USB_KEYBOARD = """I: Bus=0003 Vendor=046d Product=c31c Version=0110
N: Name="Logitech USB Keyboard"
H: Handlers=sysrq kbd leds event3
B: PROP=0
B: EV=120013
B: KEY=1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe
"""

POWER_BUTTON = """I: Bus=0019 Vendor=0000 Product=0001 Version=0000
N: Name="Power Button"
H: Handlers=kbd event0
B: PROP=0
B: EV=3
B: KEY=10000000000000 0
"""

TOUCH_PANEL = """I: Bus=0018 Vendor=0000 Product=0000 Version=0000
N: Name="raspberrypi-ts"
H: Handlers=mouse0 event1
B: PROP=2
B: EV=b
"""


def test_a_usb_keyboard_is_a_physical_keyboard():
    assert has_physical_keyboard(TOUCH_PANEL + "\n" + USB_KEYBOARD)


def test_a_power_button_and_a_touch_panel_are_not_keyboards():
    assert not has_physical_keyboard(POWER_BUTTON + "\n" + TOUCH_PANEL)


def test_nothing_to_read_is_no_keyboard():
    assert not has_physical_keyboard("")


def test_the_flag_forces_it_on_even_beside_a_keyboard():
    assert osk_wanted(True, False, USB_KEYBOARD)


def test_a_kiosk_wants_it_when_no_keyboard_is_plugged_in():
    assert osk_wanted(False, True, POWER_BUTTON + "\n" + TOUCH_PANEL)


def test_a_kiosk_with_a_keyboard_plugged_in_does_without():
    assert not osk_wanted(False, True, USB_KEYBOARD)


def test_a_normal_desktop_start_does_without():
    assert not osk_wanted(False, False, "")
