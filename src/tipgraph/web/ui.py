"""The browser query page: an editor with SPARQL highlighting, example picker, results and labels.

``GET /query`` renders ``query.html``; ``GET /query?query=...`` (the shareable link) puts that
query in the editor, and ``&run=1`` also runs it once the page has loaded. The "Cite" link leads
to ``/cite?query=...`` (``cite``), which runs the query and makes its citable permalink. All behaviour lives in
``static/query.js`` (no inline script: the app's Content-Security-Policy forbids it); the query
text reaches the page only as the autoescaped body of the editor's ``<textarea>``. ``GET /``
redirects here.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, redirect, render_template, request, url_for

from .state import state

bp = Blueprint("ui", __name__)

STARTER = """PREFIX tg:   <https://w3id.org/tipgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?practice ?heading
WHERE {
  ?practice a tg:Practice ;
            tg:heading ?heading .
}
ORDER BY ?heading
LIMIT 20
"""


DOWNLOADS = [("csv", "CSV"), ("tsv", "TSV"), ("json", "JSON")]


@bp.get("/")
def home():
    return redirect(url_for("ui.query_page"), code=302)


@bp.get("/query")
def query_page():
    s = state()
    given = request.args.get("query")
    text = given if given is not None else STARTER
    run = given is not None and request.args.get("run", "") in ("1", "true", "yes")
    return render_template(
        "query.html",
        query=text,
        run=run,
        permalink=url_for("ui.query_page", query=text, run=1),
        cite=url_for("cite.cite", query=text),
        downloads=[(name, label, "/sparql?" + urlencode({"query": text, "format": name}))
                   for name, label in DOWNLOADS],
        base_iri=s.config.base_iri,
        max_query_length=s.config.max_query_length,
    )
