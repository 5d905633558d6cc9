"""The terminal's pure parts: keys to bytes, rows to runs, the emulator, the bounded feed."""

from __future__ import annotations

import threading

from engine_helpers import wait_for

from genet_kivy.terminal_emulator import Emulator, line_text
from genet_kivy.terminal_feed import Feed
from genet_kivy.terminal_keys import (
    BACKSPACE,
    DOWN,
    ENTER,
    ESCAPE,
    HOME,
    LEFT,
    PAGE_UP,
    TAB,
    UP,
    ctrl_byte,
    key_bytes,
    paste_bytes,
)
from genet_kivy.terminal_rows import FOREGROUND, markup, rgba, row_runs, selected_text

# -- keys -------------------------------------------------------------------------------------


def test_enter_sends_carriage_return() -> None:
    assert key_bytes(ENTER) == b"\r"


def test_backspace_sends_delete() -> None:
    assert key_bytes(BACKSPACE) == b"\x7f"


def test_tab_sends_tab() -> None:
    assert key_bytes(TAB) == b"\t"


def test_shift_tab_sends_back_tab() -> None:
    assert key_bytes(TAB, None, ["shift"]) == b"\x1b[Z"


def test_escape_sends_escape() -> None:
    assert key_bytes(ESCAPE) == b"\x1b"


def test_arrows_in_normal_mode() -> None:
    assert key_bytes(UP) == b"\x1b[A"


def test_arrows_in_application_cursor_mode() -> None:
    assert key_bytes(LEFT, app_cursor=True) == b"\x1bOD"


def test_ctrl_arrow_carries_the_modifier() -> None:
    assert key_bytes(DOWN, None, ["ctrl"]) == b"\x1b[1;5B"


def test_home_sends_its_code() -> None:
    assert key_bytes(HOME) == b"\x1b[H"


def test_page_up_sends_its_code() -> None:
    assert key_bytes(PAGE_UP) == b"\x1b[5~"


def test_ctrl_c_sends_etx() -> None:
    assert key_bytes(ord("c"), "c", ["ctrl"]) == b"\x03"


def test_ctrl_with_shift_is_still_ctrl() -> None:
    assert key_bytes(ord("d"), "D", ["ctrl", "shift"]) == b"\x04"


def test_alt_letter_sends_escape_first() -> None:
    assert key_bytes(ord("b"), "b", ["alt"]) == b"\x1bb"


def test_plain_letters_are_left_to_text_input() -> None:
    assert key_bytes(ord("a"), "a") is None


def test_ctrl_bracket_is_escape() -> None:
    assert ctrl_byte("[") == b"\x1b"


def test_ctrl_of_a_digit_is_nothing() -> None:
    assert ctrl_byte("5") is None


def test_paste_turns_newlines_into_enter() -> None:
    assert paste_bytes("ls\nps\n", bracketed=False) == b"ls\rps\r"


def test_bracketed_paste_is_wrapped() -> None:
    assert paste_bytes("ls", bracketed=True) == b"\x1b[200~ls\x1b[201~"


def test_bracketed_paste_cannot_end_early() -> None:
    assert paste_bytes("a\x1b[201~b", bracketed=True) == b"\x1b[200~ab\x1b[201~"


# -- rows -------------------------------------------------------------------------------------


def emulator_with(data: bytes, rows: int = 5, columns: int = 20) -> Emulator:
    em = Emulator(rows, columns)
    em.feed(data)
    return em


def test_a_plain_row_is_one_run_without_trailing_blanks() -> None:
    runs = row_runs(emulator_with(b"hello").row(0), 20)
    assert [(r.start, r.text) for r in runs] == [(0, "hello")]


def test_colours_split_runs() -> None:
    runs = row_runs(emulator_with(b"a\x1b[31mred\x1b[0mb").row(0), 20)
    assert [r.text for r in runs] == ["a", "red", "b"]


def test_red_is_a_red_colour() -> None:
    runs = row_runs(emulator_with(b"\x1b[31mred").row(0), 20)
    assert runs[0].fg[0] > runs[0].fg[1]


def test_256_colours_are_read() -> None:
    runs = row_runs(emulator_with(b"\x1b[38;5;46mgreen").row(0), 20)
    assert runs[0].fg == (0.0, 1.0, 0.0, 1.0)


def test_reverse_swaps_foreground_and_background() -> None:
    runs = row_runs(emulator_with(b"\x1b[7mrev").row(0), 20)
    assert runs[0].bg == FOREGROUND


def test_bold_and_underline_are_kept() -> None:
    run = row_runs(emulator_with(b"\x1b[1;4mx").row(0), 20)[0]
    assert (run.bold, run.underline) == (True, True)


def test_a_coloured_background_keeps_its_blanks() -> None:
    runs = row_runs(emulator_with(b"\x1b[44m   ").row(0), 20)
    assert runs[0].text == "   "


def test_markup_escapes_brackets() -> None:
    runs = row_runs(emulator_with(b"[b]x").row(0), 20)
    assert "&bl;b&br;x" in markup(runs)


def test_unknown_colour_is_the_default() -> None:
    assert rgba("nonsense", FOREGROUND) == FOREGROUND


def test_selected_text_spans_rows() -> None:
    assert selected_text(["hello", "world"], (0, 3), (1, 1)) == "lo\nwo"


def test_selected_text_in_reverse_order() -> None:
    assert selected_text(["hello"], (0, 3), (0, 1)) == "ell"


# -- the emulator -----------------------------------------------------------------------------


def test_cursor_report_is_answered() -> None:
    em = Emulator(5, 20)
    assert em.feed(b"ab\x1b[6n") == b"\x1b[1;3R"


def test_lines_scrolled_off_go_to_the_scrollback() -> None:
    em = emulator_with(b"".join(b"line%d\r\n" % i for i in range(8)), rows=3)
    assert line_text(em.screen.history[0], 20) == "line0"


def test_scrollback_keeps_at_least_a_thousand_lines() -> None:
    em = Emulator(24, 20)
    em.feed(b"".join(b"%d\r\n" % i for i in range(1500)))
    assert em.history_size >= 1000


def test_alternate_screen_restores_the_shell() -> None:
    em = emulator_with(b"prompt$ \x1b[?1049h\x1b[2Jfull screen\x1b[?1049l")
    assert em.text(0) == "prompt$"


def test_alternate_screen_restores_the_cursor() -> None:
    em = emulator_with(b"prompt$ \x1b[?1049h\x1b[5;5Hx\x1b[?1049l")
    assert (em.screen.cursor.x, em.screen.cursor.y) == (8, 0)


def test_alternate_screen_adds_nothing_to_the_scrollback() -> None:
    em = emulator_with(b"\x1b[?1049h" + b"x\r\n" * 20 + b"\x1b[?1049l", rows=3)
    assert em.history_size == 0


def test_application_cursor_mode_is_seen() -> None:
    assert emulator_with(b"\x1b[?1h").screen.app_cursor


def test_bracketed_paste_mode_is_seen() -> None:
    assert emulator_with(b"\x1b[?2004h").screen.bracketed_paste


def test_utf8_split_across_chunks() -> None:
    em = Emulator(3, 10)
    em.feed("é".encode()[:1])
    em.feed("é".encode()[1:])
    assert em.text(0) == "é"


def test_resize_changes_the_grid() -> None:
    em = Emulator(24, 80)
    em.resize(30, 100)
    assert (em.rows, em.columns) == (30, 100)


def test_rows_address_scrollback_then_screen() -> None:
    em = emulator_with(b"a\r\nb\r\nc\r\nd", rows=2)
    assert [em.text(r) for r in range(em.history_size + 2)] == ["a", "b", "c", "d"]


# -- the feed ---------------------------------------------------------------------------------


def test_feed_hands_over_in_order() -> None:
    feed = Feed(limit=100)
    feed.put(b"abc")
    feed.put(b"def")
    assert feed.take(4) + feed.take(100) == b"abcdef"


def test_feed_blocks_the_producer_when_full_until_taken() -> None:
    feed = Feed(limit=4)
    feed.put(b"abcd")
    done = threading.Event()

    def produce() -> None:
        feed.put(b"more")
        done.set()

    threading.Thread(target=produce, daemon=True).start()
    wait_for(lambda: feed.blocked == 1, 10, "the producer to wait")
    assert not done.is_set()
    feed.take(4)
    wait_for(done.is_set, 10, "the blocked put to return")


def test_feed_close_releases_a_blocked_producer() -> None:
    feed = Feed(limit=1)
    feed.put(b"x")
    done = threading.Event()
    threading.Thread(target=lambda: (feed.put(b"y"), done.set()), daemon=True).start()
    feed.close()
    wait_for(done.is_set, 10, "the blocked put to return")
