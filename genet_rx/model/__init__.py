"""Values Genet shows, and the parsers that build them from the engine's answers."""
