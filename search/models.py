"""Plain data that crosses the core's boundaries.

Every shell (CLI, pages, JSON API, Python API) builds a ``SearchRequest``
and renders a ``SearchResult``; ``to_dict()`` is the one JSON shape.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Sort = Literal["relevance", "date"]
SORTS: tuple[str, ...] = ("relevance", "date")


@dataclass(frozen=True)
class NameFacet:
    """A facet over names, written once: its key in URLs and JSON, its
    KEYWORD field (also the ``SearchRequest`` field it filters on), its
    Italian heading, one value's heading and the noun with its article
    ("la persona"). The keys that exclude a value and every table of keys,
    fields and labels (the pages' too) derive from ``NAME_FACETS``."""

    key: str
    field: str
    label: str
    one: str
    noun: str

    @property
    def not_key(self) -> str:
        return f"not_{self.key}"

    @property
    def not_field(self) -> str:
        return f"not_{self.field}"


NAME_FACETS: tuple[NameFacet, ...] = (
    NameFacet("person", "persons", "Persone", "Persona", "la persona"),
    NameFacet("place", "places", "Luoghi", "Luogo", "il luogo"),
    NameFacet("org", "orgs", "Organizzazioni", "Organizzazione", "l'organizzazione"),
    NameFacet("author", "authors", "Firme", "Firma", "la firma"),
)
FACETS: tuple[str, ...] = (*(f.key for f in NAME_FACETS), "date")
FACET_LABELS: dict[str, str] = {f.key: f.label for f in NAME_FACETS}
MAX_PAGE_SIZE = 100
# The longest query text a shell accepts; the parser never reads past it.
MAX_QUERY_CHARS = 1000
# The longest facet value a parameter may hold.
MAX_VALUE_CHARS = 200
DateSource = Literal["given", "inferred", "none"]
DATE_SOURCES: tuple[str, ...] = ("given", "inferred", "none")
# What one result stands for: a story, a text and its copies, or one article.
Collapse = Literal["story", "copies", "none"]
COLLAPSES: tuple[str, ...] = ("story", "copies", "none")
# A hit has every word of the query (the result set) or only some of them.
WordSet = Literal["all", "some"]


def iso(value: dt.date | dt.datetime | None) -> str | None:
    """Dates cross boundaries as ISO ``YYYY-MM-DD`` strings or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.isoformat()


@dataclass
class MentionedDate:
    """A date written in the text, normalised with its granularity."""

    text: str
    value: str | None  # None: a relative form and no publication date to resolve it
    granularity: Literal["day", "week", "part", "month", "season", "year", "decade", "century"]
    start: int = 0
    end: int = 0


@dataclass
class Article:
    """One cleaned article, ready to be analysed and indexed."""

    id: str
    text: str
    title: str = ""
    date: dt.date | None = None
    date_inferred: bool = False
    source: str = ""
    url: str = ""
    author: str = ""
    origin: str = ""
    persons: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    orgs: list[str] = field(default_factory=list)
    dates: list[MentionedDate] = field(default_factory=list)
    entities_given: bool = False
    # What the reader set aside from an article it kept (a url that is not
    # http(s)), in Italian, for the run summary.
    notes: list[str] = field(default_factory=list)
    # The place the newsroom put first ("CARPI."), as a proper name.
    dateline: str = ""
    # The part of ``text`` the NER reads: without dateline and bylines.
    ner_start: int = 0
    ner_end: int | None = None
    # (field, value, written form, the model's label) of every mention.
    forms: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def date_source(self) -> DateSource:
        """Where the date came from: the input, the text, or nowhere."""
        if self.date is None:
            return "none"
        return "inferred" if self.date_inferred else "given"


@dataclass
class Skipped:
    """An input that could not become an article, and why (in Italian)."""

    path: str
    reason: str


@dataclass
class Ignored:
    """Inputs left out by design rather than by failure: files of another
    format, hidden files, records of a web archive that are not pages.
    Reported, so that nothing under an indexed folder goes unmentioned."""

    path: str
    reason: str
    count: int = 1


@dataclass
class Page:
    """A web page whose article is not extracted yet; plain data, so that
    extraction can run in another process.

    ``meta`` holds what is known from outside the markup (JSONL fields, a
    web archive's target URI); it wins over what the page says.
    """

    id: str
    data: bytes | str
    origin: str
    where: str
    meta: dict[str, Any] = field(default_factory=dict)
    charset: str = ""
    fallback_date: dt.date | None = None


@dataclass(frozen=True)
class SearchRequest:
    """Everything a search can ask for; the URL and the CLI map onto it."""

    q: str = ""
    persons: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    orgs: tuple[str, ...] = ()
    not_persons: tuple[str, ...] = ()
    not_places: tuple[str, ...] = ()
    not_orgs: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    not_authors: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    # Only articles whose date is given, inferred from the text, or none.
    date_sources: tuple[str, ...] = ()
    # Only articles whose text names a day in this range ("Date citate").
    mentioned_from: dt.date | None = None
    mentioned_to: dt.date | None = None
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = 10
    facets: bool = True
    facet_limit: int = 100
    collapse: Collapse = "story"

    @property
    def has_filters(self) -> bool:
        return any(getattr(self, f.field) or getattr(self, f.not_field)
                   for f in NAME_FACETS) or bool(
            self.date_from or self.date_to
            or self.date_sources or self.mentioned_from or self.mentioned_to
        )


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False
    excluded: bool = False


@dataclass
class MatchedWord:
    """A typed word (or phrase) a hit matched, and the forms it matched in
    ("nucleari" in "nucleare"): the answer to "why this result"."""

    word: str
    forms: list[str]


@dataclass
class StoryMember:
    """Another article of a hit's story: a copy of it, or a related one."""

    id: str
    title: str
    date: str | None
    source: str
    relation: Literal["copy", "related"]
    # Articles of one story with the same group are copies of each other.
    group: int = 0


@dataclass
class Story:
    """Every article of one story, by date (``/api/story/<id>``); in a
    story's list, ``relation`` is "copy" for an article with copies."""

    id: str
    articles: list[StoryMember]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Hit:
    id: str
    title: str
    date: str | None
    source: str
    url: str
    score: float
    snippet: str
    persons: list[str]
    places: list[str]
    orgs: list[str]
    date_inferred: bool = False
    matched: list[MatchedWord] = field(default_factory=list)
    date_source: str = "none"
    story: str = ""
    # The story's other matching articles, by date: copies of this one,
    # then the rest of the story (hidden under it when collapsed).
    copies: list[StoryMember] = field(default_factory=list)
    related: list[StoryMember] = field(default_factory=list)
    # The byline as stored ("Anna Rossi, Luca Bianchi"); "" when unsigned.
    author: str = ""
    # Which set the hit is in: "all" (every word: the result set, counted)
    # or "some" (only some of the words, listed after it).
    words: WordSet = "all"


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    suggestion: str | None = None
    request: SearchRequest = field(default_factory=SearchRequest)
    # How the query was changed to stay affordable, in Italian ("«a*»: …").
    notices: list[str] = field(default_factory=list)
    # How many results the pages hold: stories, copy groups or articles,
    # as ``request.collapse`` says (``total`` counts articles).
    results: int = 0
    # Articles with only some of the words: counted apart from ``total``;
    # the best ``others_listed`` of them follow the result set on the pages.
    others: int = 0
    others_listed: int = 0

    @property
    def listed(self) -> int:
        """How many hits the pages list: the results, then the others."""
        return self.results + self.others_listed

    @property
    def pages(self) -> int:
        return max(1, -(-self.listed // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "total": self.total,
            "results": self.results,
            "collapse": self.request.collapse,
            "others": self.others,
            "others_listed": self.others_listed,
            "page": self.page,
            "page_size": self.page_size,
            "hits": [asdict(h) for h in self.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count} for v in values]
                for name, values in self.facets.items()
            },
            "suggestion": self.suggestion,
            "notices": self.notices,
        }


# Entity types an entity page can be about: the name in the API -> the
# request field its filter goes in.
ENTITY_TYPES: dict[str, str] = {"person": "persons", "place": "places", "org": "orgs"}


@dataclass
class Period:
    """One bar of a timeline: "2019", "2019-05" or "2019-05-03"."""

    period: str
    count: int


@dataclass
class Companion:
    """A value that shares articles with an entity: ``count`` articles with
    both, ``score`` how much more often than chance (entity.py)."""

    value: str
    count: int
    score: float


@dataclass
class Spelling:
    """How the texts write an entity ("Muzzarelli"), in ``count`` articles."""

    form: str
    count: int


@dataclass
class Vote:
    """A type an entity's mentions were given, in ``count`` articles: where
    they disagree, the archive's majority decided its facet."""

    type: str
    count: int


@dataclass
class EntityResult:
    """An entity's page: its articles (newest first), their dates and the
    other entities in them, all for one request's match set."""

    type: str
    name: str
    count: int
    timeline: list[Period]
    undated: int
    company: dict[str, list[Companion]]
    first: str | None
    last: str | None
    hits: list[Hit]
    page: int
    page_size: int
    # Empty for an index written before spellings were kept (rebuild it).
    forms: list[Spelling] = field(default_factory=list)
    votes: list[Vote] = field(default_factory=list)
    request: SearchRequest = field(default_factory=SearchRequest)

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        del data["request"]
        return data


@dataclass
class EntityList:
    """One page of the values of an entity type, most frequent first."""

    type: str
    total: int
    page: int
    page_size: int
    values: list[FacetValue]

    def to_dict(self) -> dict[str, Any]:
        return {"type": self.type, "total": self.total, "page": self.page,
                "page_size": self.page_size,
                "values": [{"value": v.value, "count": v.count} for v in self.values]}
