"""Which article URLs may become links: http and https, nothing else.

An article's ``url`` comes from whoever wrote the file, and a browser runs
``javascript:``, ``data:`` or ``vbscript:`` links. Browsers read an href
after dropping leading and trailing controls and spaces and every tab and
newline inside it (WHATWG URL), so ``" JaVaScRiPt:"`` and ``"java\\tscript:"``
are script too; the scheme is checked on that same reading. Ingest keeps
only such URLs and the web app links only such URLs (old indexes included).
"""

from __future__ import annotations

from urllib.parse import urlsplit

WEB_SCHEMES = ("http", "https")
# C0 controls and space, stripped at both ends; tab and newlines, removed anywhere.
_EDGES = "".join(chr(c) for c in range(0x21))
_INSIDE = str.maketrans("", "", "\t\n\r")


def web_url(value: object) -> str:
    """The URL as a browser reads it, if it is http(s) with a host; else ""."""
    if not isinstance(value, str):
        return ""
    url = value.strip(_EDGES).translate(_INSIDE)
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    return url if parts.scheme.lower() in WEB_SCHEMES and host else ""
