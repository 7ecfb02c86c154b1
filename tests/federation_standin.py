"""A local stand-in for the Wikidata Query Service, for the federation tests: run as a script
(``python federation_standin.py COUNTRY_CODES_CSV LOG_FILE``), it listens on a free port of
127.0.0.1, prints that port on its first line of output, and answers SPARQL until it is killed.

The graph is Wikidata-shaped and built only from ``data/reference/country-codes.csv``: for each
country with a Wikidata id, ``wd:Q.. wdt:P297 "alpha-2"; wdt:P298 "alpha-3"; wdt:P2082 "M49"
(three digits, as Wikidata writes them); wdt:P1566 "GeoNames id"``. The property ids are
Wikidata's own (ISO 3166-1 alpha-2 code, ISO 3166-1 alpha-3 code, UN M49 code, GeoNames ID), taken
from Wikidata's property pages; /work/shared/reference does not name them.

Paths: ``/sparql`` answers (POST form or GET, SPARQL JSON results only); ``/slow`` waits 3 s
first; ``/fail`` answers 500; ``/redirect`` answers 302 to ``/sparql``; ``/html`` answers a web
page. Every accepted connection and every request is appended to LOG_FILE, one line each, so tests
can prove that no connection was made.
"""

from __future__ import annotations

import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
from tipgraph.countries import read_country_codes  # noqa: E402

WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
PROPERTIES = {"P297": "alpha2", "P298": "alpha3", "P2082": "m49", "P1566": "geonames"}


def wikidata_graph(csv_path: Path) -> ox.Store:
    store = ox.Store()
    for row in read_country_codes(csv_path).values():
        if not row.wikidata:
            continue
        item = ox.NamedNode(WD + row.wikidata)
        for prop, field in PROPERTIES.items():
            value = getattr(row, field)
            if value:
                store.add(ox.Quad(item, ox.NamedNode(WDT + prop), ox.Literal(value)))
    return store


class Handler(BaseHTTPRequestHandler):
    store: ox.Store
    log: Path
    lock = threading.Lock()

    def log_message(self, *args):  # quiet
        pass

    @classmethod
    def record(cls, line: str) -> None:
        with cls.lock, cls.log.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def send(self, status: int, media: str, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer(urllib.parse.urlsplit(self.path).query)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.answer(self.rfile.read(length).decode("utf-8"))

    def answer(self, form: str):
        path = urllib.parse.urlsplit(self.path).path
        self.record(f"request {self.command} {path}")
        if path == "/fail":
            return self.send(500, "text/plain", b"the stand-in fails on purpose")
        if path == "/redirect":
            return self.send(302, "text/plain", b"", {"Location": "/sparql"})
        if path == "/html":
            return self.send(200, "text/html", b"<html><body>not results</body></html>")
        if path == "/slow":
            time.sleep(3)
        elif path != "/sparql":
            return self.send(404, "text/plain", b"no such endpoint")
        query = urllib.parse.parse_qs(form).get("query", [""])[0]
        try:
            results = self.store.query(query)
        except SyntaxError as error:
            return self.send(400, "text/plain", str(error).encode())
        body = results.serialize(format=ox.QueryResultsFormat.JSON)
        self.send(200, "application/sparql-results+json", body)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def get_request(self):
        request = super().get_request()
        Handler.record("connect")
        return request


def main(csv_path: str, log: str) -> None:
    Handler.store = wikidata_graph(Path(csv_path))
    Handler.log = Path(log)
    server = Server(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
