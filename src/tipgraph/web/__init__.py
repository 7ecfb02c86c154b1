"""tipgraph's web server: SPARQL protocol, linked-data pages, query UI, dataset descriptions.

``create_app(config)`` (in ``app``) builds a Flask app over one built release; every part is a
blueprint of its own module: ``sparql`` (the protocol), ``pages`` (linked data), ``ui`` (the query
page), ``describe`` (service description, VoID/DCAT, example queries, downloads, graph store).
"""

from .app import create_app

__all__ = ["create_app"]
