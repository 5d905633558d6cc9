"""One engine live: the sync pipeline, commands, connection state."""
