"""Cerca's search core, and its Python API.

The rule of this package: no module here imports Flask or touches a web
request. The core reads articles, analyses Italian, extracts entities and
builds and queries a Whoosh index; the CLI (``cerca.cli``), the pages and
the JSON API are thin shells that turn their input into a ``SearchRequest``
and render the ``SearchResult``.

    from search import SearchRequest, open_index, search

    index = open_index("index")
    result = search(index, SearchRequest(q="missili", page_size=5))
"""

from search.index import Index, IndexReport, create_index, open_index, update_index
from search.models import FacetValue, Hit, SearchRequest, SearchResult
from search.query.articles import StoredArticle, get_article
from search.query.pipeline import search

__all__ = [
    "FacetValue", "Hit", "Index", "IndexReport", "SearchRequest", "SearchResult",
    "StoredArticle", "create_index", "get_article", "open_index", "search", "update_index",
]
