"""tipgraph: a linked-data knowledge graph of evidence about anti-trafficking programmes.

The command line (``tipgraph``) builds, validates, queries and exports the graph; the modules
can be used on their own: ``report`` parses the report, ``assemble`` puts the asserted graph
together, ``reason`` runs OWL RL, ``validate`` runs SHACL, ``build`` writes a release,
``query`` and ``export`` read one.
"""
