"""Values Genet shows, and the parsers that build them from the engine's answers.

Every value in Genet is a frozen ``msgspec.Struct`` (fields, keywords, equality, hash and repr
as a frozen dataclass gives them; ``msgspec.structs.replace`` copies one with changes). A
Struct's class is made in C at import (~0.01 ms, against ~0.7 ms for a frozen dataclass, whose
methods are generated as source and compiled: ~90 classes on the way to the first paint), and
instances are built and copied in C (the folds copy a row and a table per event).
"""
