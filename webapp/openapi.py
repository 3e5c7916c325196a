"""The OpenAPI 3.1 description, derived from the code.

Paths and operations come from each view's docstring (apispec's Flask
plugin reads the URL rules); response schemas come from the core's
dataclasses, so a field added there shows up here.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from apispec import APISpec
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask

from search import (
    COLLAPSES,
    ENTITY_TYPES,
    MAX_PAGE_SIZE,
    MAX_QUERY_CHARS,
    MAX_QUOTED_QUERY_CHARS,
    MAX_VALUE_CHARS,
    SORTS,
    Companion,
    EntityResult,
    FacetValue,
    Hit,
    Period,
    SearchResult,
    StoredArticle,
    Story,
)

_SCALARS = {str: "string", int: "integer", float: "number", bool: "boolean"}


def json_schema(tp: Any) -> dict[str, Any]:
    """JSON Schema for a type hint of the kinds our dataclasses use."""
    if tp in _SCALARS:
        return {"type": _SCALARS[tp]}
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [json_schema(a) for a in args if a is not type(None)]
        if type(None) in args and len(options) == 1 and "type" in options[0]:
            return {**options[0], "type": [options[0]["type"], "null"]}
        return {"anyOf": options + ([{"type": "null"}] if type(None) in args else [])}
    if origin in (list, tuple):
        return {"type": "array", "items": json_schema(args[0]) if args else {}}
    if origin is typing.Literal:
        return {"type": "string", "enum": list(args)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return dataclass_schema(tp)
    return {"type": "object"}


def dataclass_schema(cls: type, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props = {
        f.name: json_schema(hints[f.name])
        for f in dataclasses.fields(cls)
        if f.name not in exclude
    }
    return {"type": "object", "properties": props, "required": list(props)}


def _param(name: str, schema: dict[str, Any], description: str, many: bool = False):
    if many:
        schema = {"type": "array", "items": schema, "maxItems": 20}
        return {"name": name, "in": "query", "schema": schema, "style": "form",
                "explode": True, "description": description}
    return {"name": name, "in": "query", "schema": schema, "description": description}


def build_spec(app: Flask) -> dict[str, Any]:
    spec = APISpec(
        title="Cerca API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[FlaskPlugin()],
        info={"description": "Search Italian news: the same core as the page and the CLI."},
    )
    facet_value = dataclass_schema(FacetValue, exclude=("selected", "excluded"))
    result = dataclass_schema(SearchResult, exclude=("request",))
    result["properties"]["hits"] = {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}
    result["properties"]["collapse"] = {"type": "string", "enum": list(COLLAPSES)}
    result["required"].append("collapse")
    result["properties"]["facets"] = {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}},
    }
    spec.components.schema("Hit", dataclass_schema(Hit))
    spec.components.schema("FacetValue", facet_value)
    spec.components.schema("SearchResult", result)
    spec.components.schema("StoredArticle", dataclass_schema(StoredArticle))
    spec.components.schema("Story", dataclass_schema(Story))
    entity = dataclass_schema(EntityResult, exclude=("request",))
    entity["properties"]["hits"] = result["properties"]["hits"]
    entity["properties"]["timeline"] = {"type": "array", "items": json_schema(Period)}
    entity["properties"]["company"] = {
        "type": "object", "required": ["person", "place", "org"],
        "properties": {t: {"type": "array", "items": json_schema(Companion)}
                       for t in ENTITY_TYPES},
    }
    spec.components.schema("EntityResult", entity)
    spec.components.schema("EntityList", {
        "type": "object", "required": ["type", "total", "page", "page_size", "values"],
        "properties": {"type": {"type": "string", "enum": list(ENTITY_TYPES)},
                       "total": {"type": "integer"}, "page": {"type": "integer"},
                       "page_size": {"type": "integer"},
                       "values": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}},
    })
    spec.components.schema("FacetValues", {
        "type": "object", "required": ["facet", "values"],
        "properties": {"facet": {"type": "string"},
                       "values": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}}},
    })
    spec.components.schema("Suggestions", {
        "type": "object", "required": ["query", "suggestions"],
        "properties": {"query": {"type": "string"}, "suggestions": {"type": "array", "items": {
            "type": "object", "required": ["value", "kind"],
            "properties": {"value": {"type": "string"},
                           "kind": {"type": "string", "enum": ["person", "place", "org", "title"]}},
        }}},
    })
    spec.components.schema("Health", {
        "type": "object", "required": ["status", "documents", "last_update", "generation"],
        "properties": {"status": {"type": "string"}, "documents": {"type": "integer"},
                       "last_update": {"type": ["string", "null"]}, "generation": {"type": "integer"}},
    })
    spec.components.schema("Error", {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "message_en"],
            "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                           "message_en": {"type": "string"},
                           "valid": {"type": "array", "items": {"type": "string"},
                                     "description": "For unknown_parameter: the valid names"}},
        }},
    })
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    spec.components.response("BadRequest", {"description": "Invalid parameter", "content": error})
    spec.components.response("NotFound", {"description": "Not found", "content": error})
    spec.components.response("NoIndex", {"description": "No index yet, or it cannot be read",
                                          "content": error})
    spec.components.response("UriTooLong", {"description": "URL longer than the server accepts",
                                            "content": error})
    spec.components.response("RateLimited", {
        "description": "Too many requests from this client (only when limits are configured)",
        "headers": {"Retry-After": {"schema": {"type": "integer"},
                                    "description": "Seconds to wait"}},
        "content": error})
    name = {"type": "string", "maxLength": MAX_VALUE_CHARS}
    date = {"type": "string", "format": "date"}
    for param in (
        _param("q", {"type": "string", "maxLength": MAX_QUOTED_QUERY_CHARS}, f"Query text (Italian syntax: \"phrases\", -word, OR, titolo:, persona:, *, ~); at most {MAX_QUERY_CHARS} characters outside quoted phrases"),
        _param("person", name, "Articles must mention every person given", many=True),
        _param("place", name, "Articles must mention every place given", many=True),
        _param("org", name, "Articles must mention every organisation given", many=True),
        _param("not_person", name, "Articles must not mention these persons", many=True),
        _param("author", name, "Articles must be signed by every author given", many=True),
        _param("not_author", name, "Articles must not be signed by these authors", many=True),
        _param("not_place", name, "Articles must not mention these places", many=True),
        _param("not_org", name, "Articles must not mention these organisations", many=True),
        _param("date_from", date, "First day (YYYY-MM-DD)"),
        _param("date_to", date, "Last day (YYYY-MM-DD)"),
        _param("date_source", {"type": "string", "enum": ["given", "inferred", "none"]},
               "Only articles whose date was given, inferred from the text, or is missing",
               many=True),
        _param("mentioned_from", date, "Only articles naming a day from this one (YYYY-MM-DD)"),
        _param("mentioned_to", date, "Only articles naming a day up to this one (YYYY-MM-DD)"),
        _param("sort", {"type": "string", "enum": list(SORTS), "default": "relevance"}, "Order"),
        _param("collapse", {"type": "string", "enum": list(COLLAPSES), "default": "story"},
               "One result per story (its best-ranked article, the others under it), "
               "per text and its copies, or per article (none)"),
        _param("page", {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1}, "Page"),
        _param("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE,
                             "default": 10}, "Results per page"),
    ):
        spec.components.parameter(param["name"], "query", param)
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.startswith("api."):
                spec.path(view=app.view_functions[rule.endpoint], app=app)
    return spec.to_dict()
