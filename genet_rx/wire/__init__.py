"""Bytes to and from the engine: transports (one per scheme), HTTP/1.1, NDJSON, streams."""
