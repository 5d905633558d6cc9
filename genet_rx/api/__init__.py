"""The Engine API's calls, one module per kind of object, and its streams."""
