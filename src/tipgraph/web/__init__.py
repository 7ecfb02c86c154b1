"""tipgraph's web server: SPARQL protocol, linked-data pages, query UI, dataset descriptions.

``create_app(config)`` (in ``app``) builds a Flask app over one built release; every part is a
blueprint of its own module: ``sparql`` (the protocol), ``pages`` (linked data), ``ui`` (the query
page), ``describe`` (service description, VoID/DCAT, example queries, downloads, graph store).
Importing this package loads none of them, so pure modules (``results``, ``gate``,
``negotiation``) can be used and tested alone.
"""


def create_app(config=None):
    from .app import create_app as factory

    return factory(config)
