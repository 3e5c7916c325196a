"""The peer stack for bench/http.py: Flask over plain Whoosh (baseline.py's
index), as a small site would serve it: the top 10 with Whoosh's own
highlighted excerpts, rendered by Jinja, no facets.

    CERCA_PLAIN_INDEX=DIR gunicorn -w 1 --threads 4 --chdir bench plain_app:app
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string, request
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.qparser import QueryParser

PAGE = """<!doctype html><html lang="it"><head><meta charset="utf-8"><title>{{ q }}</title></head>
<body><form><input name="q" value="{{ q }}"></form><p>{{ total }} risultati</p><ol>
{% for hit in hits %}<li><b>{{ hit.id }}</b><p>{{ hit.excerpt|safe }}</p></li>{% endfor %}
</ol></body></html>"""

app = Flask(__name__)
INDEX = whoosh_index.open_dir(os.environ["CERCA_PLAIN_INDEX"])
PARSER = QueryParser("content", INDEX.schema)  # baseline.py's schema


@app.get("/")
def search_page():
    q = request.args.get("q", "")
    parser = PARSER
    with INDEX.searcher() as searcher:
        results = searcher.search(parser.parse(q) if q.strip() else wq.Every(), limit=10)
        hits = [{"id": hit["id"], "excerpt": hit.highlights("content")} for hit in results]
        return render_template_string(PAGE, q=q, total=len(results), hits=hits)
