"""Very large saved pages, read as a stream.

trafilatura builds the page's tree and copies it while it looks for the
article: about 29 times the page in memory, and minutes for tens of MB. A
page past ``LARGE_PAGE_CHARS`` is instead streamed through lxml's pull
parser: the text of its prose elements (paragraphs, headings, list items,
quotes) is kept as they end, outside scripts, styles and page furniture
(nav, header, footer, aside, forms), and every element is freed once
read, so memory stays a few times the page. The metadata (title, author,
site, canonical URL, date) comes from trafilatura on the page's head alone.
"""

from __future__ import annotations

import re
from typing import Any

LARGE_PAGE_CHARS = 4_000_000
CHUNK = 1 << 20
PROSE = frozenset("p h1 h2 h3 h4 h5 h6 li blockquote pre dd dt figcaption td th".split())
FURNITURE = frozenset("script style noscript template nav header footer aside form "
                      "select button svg iframe".split())
_HEAD_END = re.compile(r"</head\s*>|<body[\s>]", re.I)
_SPACES = re.compile(r"\s+")


def stream_text(html: str) -> list[str]:
    """The prose lines of ``html``, in order, read a chunk at a time."""
    from lxml import etree

    parser = etree.HTMLPullParser(events=("start", "end"), huge_tree=True, recover=True,
                                  remove_comments=True, remove_pis=True, no_network=True)
    reader = _Prose()
    for start in range(0, len(html), CHUNK):
        parser.feed(html[start:start + CHUNK])
        reader.read(parser.read_events())
    parser.close()
    reader.read(parser.read_events())
    return reader.lines


class _Prose:
    """Collects prose lines from pull-parser events, freeing what it read."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.skipping = 0  # open furniture elements around the current one

    def read(self, events: Any) -> None:
        for event, element in events:
            tag = element.tag if isinstance(element.tag, str) else ""
            if event == "start":
                self.skipping += tag in FURNITURE
                continue
            if tag in FURNITURE:
                self.skipping = max(0, self.skipping - 1)
            elif tag in PROSE and not self.skipping:
                line = _SPACES.sub(" ", "".join(element.itertext())).strip()
                if line:
                    self.lines.append(line)
            if tag in PROSE or tag in FURNITURE:
                element.clear(keep_tail=True)
                parent = element.getparent()
                while parent is not None and element.getprevious() is not None:
                    del parent[0]  # read already: free it


def head_metadata(html: str, url: str | None) -> dict[str, Any]:
    """Title, author, site, canonical URL and date from the page's head."""
    from trafilatura.metadata import extract_metadata
    from trafilatura.utils import load_html

    end = _HEAD_END.search(html, 0, CHUNK * 2)
    head = html[:end.start() if end else CHUNK] + "</head><body></body></html>"
    tree = load_html(head)
    if tree is None:
        return {}
    doc = extract_metadata(tree, default_url=url)
    return {"title": doc.title, "author": doc.author or "", "source": doc.sitename or doc.hostname,
            "url": doc.url, "date": doc.date}
