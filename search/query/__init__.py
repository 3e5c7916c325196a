"""Answering a search: parse, match, rank, count facets, mark snippets.

``pipeline.py`` is the one step every shell's search goes through; the
other modules are its parts. Nothing here reads input files (``ingest``).
"""
