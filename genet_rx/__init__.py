"""Genet's reactive core: the Docker Engine API over its socket, folded into a live table."""
