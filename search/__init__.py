"""Cerca's search core, and its Python API.

The rule of this package: no module here imports Flask, click or a shell,
or touches a web request. The core reads articles, analyses Italian,
extracts entities and builds and queries a Whoosh index; the shells (the
``cerca`` command in ``cerca/``, the pages and JSON API in ``webapp/``)
import only what this module exports, turn their input into a
``SearchRequest`` and render the ``SearchResult``.

    from search import SearchRequest, entity, index_paths, open_index, search

    index_paths("index", ["seeds"])
    index = open_index("index")
    result = search(index, SearchRequest(q="missili", page_size=5))
    page = entity(index, "person", "Vladimir Putin", SearchRequest())
"""

from search.entities.corrections import Corrections
from search.index import Index, IndexBusy, IndexMissing, IndexProblem, create_index, open_index
from search.indexing import IndexReport, count_units, index_paths, update_index
from search.indexing.extract import extract_files, extract_records
from search.indexing.snapshot import Snapshot, restore_snapshot, take_snapshot, verify_snapshot
from search.ingest.readers import display
from search.ingest.sources import HIDDEN, UNSUPPORTED
from search.links import web_url
from search.models import (
    COLLAPSES,
    ENTITY_TYPES,
    FACET_LABELS,
    FACETS,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_VALUE_CHARS,
    NAME_FACETS,
    SORTS,
    Companion,
    EntityList,
    EntityResult,
    FacetValue,
    Hit,
    Ignored,
    Period,
    SearchRequest,
    SearchResult,
    Skipped,
    Spelling,
    Story,
    StoryMember,
    Vote,
)
from search.params import (
    LIST_KEYS,
    InvalidRequest,
    check_keys,
    parse_int,
    parse_request,
)
from search.query.articles import Related, StoredArticle, get_article, marked_text, related
from search.query.autocomplete import autocomplete
from search.query.budget import DEFAULT_SECONDS, QueryTooCostly
from search.query.entity import entities, entity
from search.query.pipeline import article_story, export_hits, facet_values, search, story
from search.served import ServedIndex

__all__ = [
    "COLLAPSES", "DEFAULT_SECONDS", "ENTITY_TYPES", "FACETS", "FACET_LABELS", "HIDDEN",
    "LIST_KEYS",
    "MAX_PAGE_SIZE", "MAX_QUERY_CHARS", "MAX_VALUE_CHARS", "NAME_FACETS", "SORTS",
    "UNSUPPORTED", "Companion", "Corrections", "EntityList", "EntityResult", "FacetValue", "Hit",
    "Ignored", "Index", "IndexBusy", "IndexMissing", "IndexProblem", "IndexReport",
    "InvalidRequest", "Period", "QueryTooCostly", "Related", "SearchRequest", "SearchResult",
    "ServedIndex", "Skipped", "Snapshot", "Spelling", "StoredArticle", "Story", "StoryMember",
    "Vote", "article_story", "autocomplete", "check_keys",
    "count_units", "create_index", "display", "entities", "entity", "export_hits", "extract_files",
    "extract_records", "facet_values", "get_article", "index_paths", "marked_text", "open_index",
    "parse_int", "parse_request", "related", "restore_snapshot", "search", "story",
    "take_snapshot", "update_index", "verify_snapshot", "web_url",
]
