"""The index of practices (``/practices``) and its filters.

``practice_index(site, given)`` lists every practice with its heading, label, funders and places,
keeping those that match every filter given: ``category`` (``tg:category``), ``region``
(``tg:locatedWithin``, so a region matches practices in the places within it) and ``funder``
(``tg:fundedWithin``, so a department matches the funding of its units). A filter value is a whole
IRI, a path under the base or a key under the filter's kind (``form/labor``, ``m49-142``); it is
only compared as a string, never parsed as an IRI. The select boxes' options are the values the
practices have, grouped by concept scheme or by class.
"""

from __future__ import annotations

from collections import OrderedDict

import pyoxigraph as ox

from ..namespaces import TG
from .entity import ASSERTED, SKOS, Site
from .entity_pages import RDF_TYPE, SCHEME_ORDER, tail, text, unique_terms

TG_NS = str(TG._NS)

FILTERS = (("category", "concept", str(TG.category)), ("region", "place", str(TG.locatedWithin)),
           ("funder", "org", str(TG.fundedWithin)))


def resolve(site: Site, value: str, kind: str) -> str:
    """A filter value as an IRI: a whole IRI, a path under the base, or a key under ``kind/``."""
    value = value.strip()
    if value.startswith(site.base):
        return value
    if value.startswith(kind + "/"):
        return site.base + value
    return f"{site.base}{kind}/{value}"


def key_of(site: Site, iri: str, kind: str) -> str:
    return iri[len(site.base) + len(kind) + 1:]


def practice_index(site: Site, given: dict[str, str]) -> dict:
    practices: OrderedDict = OrderedDict()
    for row in site.select("practice-index"):
        entry = practices.setdefault(row["practice"], {
            "term": site.term(row["practice"]), "ordinal": text(row["ordinal"]), "heading": text(row["heading"]),
            "label": text(row["label"]), "facts": {}})
        if row["prop"] is not None:
            entry["facts"].setdefault(row["prop"].value, {})[row["value"]] = None
    chosen, unknown, options = {}, [], {}
    for name, kind, prop in FILTERS:
        available = {v for p in practices.values() for v in p["facts"].get(prop, {}) if isinstance(v, ox.NamedNode)}
        options[name] = filter_options(site, name, kind, available)
        value = given.get(name, "").strip()
        if value:
            iri = resolve(site, value, kind)  # compared as a string: a request may hold any text
            chosen[name] = key_of(site, iri, kind)
            if iri not in {v.value for v in available}:
                unknown.append((name, value))
            for entry in practices.values():
                if iri not in {v.value for v in entry["facts"].get(prop, {})}:
                    entry["excluded"] = True
    rows = [{"term": p["term"], "ordinal": p["ordinal"], "heading": p["heading"], "label": p["label"],
             "funders": unique_terms(site, p["facts"].get(str(TG.fundedBy), {})),
             "places": unique_terms(site, p["facts"].get(str(TG.locatedIn), {}))}
            for p in practices.values() if not p.get("excluded")]
    rows.sort(key=lambda r: int(r["ordinal"] or 0))
    return {"rows": rows, "total": len(practices), "chosen": chosen, "unknown": unknown, "options": options}


PLACE_RANK = {str(TG[name]): rank for rank, name in enumerate(("M49Region", "ReportRegion", "Country", "Subdivision", "City"))}


def filter_options(site: Site, name: str, kind: str, available: set) -> list[tuple[str, list[tuple[str, str]]]]:
    """Select-box options as (group label, [(key, label)]): categories by scheme, others by their class."""
    groups: dict[str, list[tuple[str, str]]] = {}
    rank: dict[str, tuple] = {}
    for node in available:
        if name == "category":
            scheme = site.first(node.value, SKOS + "inScheme")
            group, order = (site.label(scheme), tail(scheme)) if scheme is not None else ("Other", "")
            order = (SCHEME_ORDER.index(order) if order in SCHEME_ORDER else 99, group)
        else:
            classes = [t for t in site.objects(node.value, RDF_TYPE, graphs=(ASSERTED,)) if t.value.startswith(TG_NS)]
            best = min(classes, key=lambda t: (PLACE_RANK.get(t.value, 99), t.value), default=None)
            group = site.label(best) if best is not None else "Other"
            order = (PLACE_RANK.get(best.value, 99) if best is not None else 100, group.casefold())
        groups.setdefault(group, []).append((key_of(site, node.value, kind), site.label(node)))
        rank[group] = order
    return [(group, sorted(items, key=lambda item: item[1].casefold()))
            for group, items in sorted(groups.items(), key=lambda item: rank[item[0]])]
