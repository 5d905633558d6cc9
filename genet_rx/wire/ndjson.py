"""Newline-delimited records from a byte stream, in any chunking (sans-IO).

A chunk of the HTTP body is not a record: records are split on ``\\n`` here, whatever the
chunking. A record longer than ``max_record`` is skipped up to its newline (and counted), so a
runaway line can never grow the buffer without bound.
"""

from __future__ import annotations


class LineSplitter:
    def __init__(self, max_record: int = 16 * 1024 * 1024) -> None:
        self._buf = bytearray()
        self._max = max_record
        self._skipping = False
        self.oversized = 0  # records dropped for being longer than max_record

    def feed(self, data: bytes) -> list[bytes]:
        """Complete, non-blank lines (without the newline) that ``data`` finishes."""
        out: list[bytes] = []
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                break
            piece = data[start:nl]
            start = nl + 1
            if self._skipping:
                self._skipping = False
                self._buf.clear()
                continue
            if self._buf:
                self._buf += piece
                line = bytes(self._buf)
                self._buf.clear()
            else:
                line = piece
            line = line.strip()
            if line:
                out.append(line)
        if not self._skipping:
            self._buf += data[start:]
            if len(self._buf) > self._max:
                self._buf.clear()
                self._skipping = True
                self.oversized += 1
        return out

    def close(self) -> list[bytes]:
        """The unterminated rest at end of stream, if any (a cut record is returned as is)."""
        rest = bytes(self._buf).strip()
        self._buf.clear()
        return [rest] if rest and not self._skipping else []
