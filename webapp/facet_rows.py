"""A facet's value rows as HTML, for ``_facet_values.html``.

Written here, not as a Jinja macro: a results page has hundreds of rows
(up to a hundred values for each of four facets), and the macro's call,
its attribute lookups and the escaping of each of its two dozen
expressions were most of a one-word page's rendering (bench/page_speed.py).
Here the value and the link are escaped once per row; everything else
in a row is fixed text or a number.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from search import FacetValue
from webapp.urls import ENTITY_PATHS, Links

_ROW = """
  <li class="{state}">
    <input type="checkbox" id="f-{key}-{i}" name="{key}" value="{value}" {selected} \
data-opposto="x-{key}-{i}">
    <label for="f-{key}-{i}"><span class="valore">{value}</span>
      {count}</label>
    <input type="checkbox" class="escludi" id="x-{key}-{i}" name="not_{key}" value="{value}" \
{excluded} data-opposto="f-{key}-{i}">
    {page}
    {edit}
    <label for="x-{key}-{i}" class="escludi-etichetta" title="Escludi {value}"><span class="sr">\
Escludi {value}</span><span aria-hidden="true">⊘</span></label>
  </li>
"""
_PAGE = ('<a class="scheda" href="{href}" hx-boost="false" title="Scheda di {value}">'
         '<span class="sr">Scheda di {value}</span><span aria-hidden="true">›</span></a>')
_EDIT = ('<a class="correggi" href="{href}#modifica" hx-boost="false" title="Correggi {value}">'
         '<span class="sr">Correggi {value}</span><span aria-hidden="true">✎</span></a>')


def facet_rows(values: Iterable[FacetValue], name: str, first: int, links: Links,
               editor: object) -> Markup:
    """The ``<li>`` of each value, numbered from ``first``; an entity's
    value links to its page, and for an editor to its correction form."""
    # Plain str, not Markup: str.format is faster on it.
    key = str(escape(name))
    entity = name in ENTITY_PATHS
    rows = []
    for i, v in enumerate(values, first):
        value = str(escape(v.value))
        page = edit = ""
        if entity:
            href = str(escape(links.entity(name, v.value)))
            page = _PAGE.format(href=href, value=value)
            if editor:
                edit = _EDIT.format(href=href, value=value)
        rows.append(_ROW.format(
            state="scelto" if v.selected else "escluso" if v.excluded else "",
            key=key, i=i, value=value,
            selected="checked" if v.selected else "",
            excluded="checked" if v.excluded else "",
            count='<span class="stato">escluso</span>' if v.excluded
            else f'<span class="conta">{v.count}</span>',
            page=page, edit=edit,
        ))
    return Markup("".join(rows))
