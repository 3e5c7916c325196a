"""Cerca's search core.

The rule of this package: no module here imports Flask or touches a web
request. The core reads articles, analyses Italian, extracts entities and
builds and queries a Whoosh index; the CLI (``search.cli``), the pages and
the JSON API are thin shells that turn their input into a ``SearchRequest``
and render the ``SearchResult``.
"""
