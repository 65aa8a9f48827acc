"""Use cases over the engines, readers and (later) storage."""
