"""The ``tipgraph`` command: parse arguments, call one library function, map errors to exits.

Exit codes: 0 success; 1 the data or query was rejected (validation, inconsistency, malformed
file, bad query); 2 wrong usage (argparse's own). Messages go to standard error and name the
problem and the file it is in; no traceback is shown for expected failures.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from . import store as stores
from .build import DEFAULT_REASONER, DEFAULT_VALIDATOR, ValidationError, build, check, is_up_to_date
from .pipeline import REASONERS, VALIDATORS
from .export import FORMATS as EXPORT_FORMATS, ExportError, export
from .loader import DataFileError
from .namespaces import compact_iri
from .project import Project
from .query import GRAPH_FORMATS, TABLE_FORMATS, QueryError, format_results, run
from .reason import InconsistencyError
from .remote import RemoteStoreError
from .validate import ShapesError

EXPECTED_ERRORS = (DataFileError, ValidationError, InconsistencyError, QueryError, ExportError, ShapesError, stores.NoBuildError,
                   RemoteStoreError)


def _project(args) -> Project:
    return Project().with_(data=getattr(args, "data", None), build=getattr(args, "build_dir", None))


def cmd_build(args) -> int:
    project = _project(args)
    if args.if_needed and is_up_to_date(project):
        print(f"tipgraph: the build in {project.build} is up to date", file=sys.stderr)
        return 0
    remote = _remote_store(args.store) if args.store else None  # a bad URL fails before the build
    start = time.perf_counter()
    result = build(project, reasoner=args.reasoner, validator=args.validator)
    elapsed = time.perf_counter() - start
    print(f"Built {result.release} in {elapsed:.1f} s "
          f"({', '.join(f'{k} {v} s' for k, v in result.timings.items())})")
    print("Triples per graph:")
    for name, count in result.triples.items():
        print(f"  {name:<16} {count:>7}")
    print("Instances per class (asserted + inferred):")
    for name, count in result.instances.items():
        print(f"  {name:<40} {count:>5}")
    for warning in result.warnings:
        print(warning)
    if remote is not None:
        from .remote import load_release

        counts = load_release(result.release, remote)
        print(f"Loaded into {args.store}: " + ", ".join(f"{compact_iri(g)} {n}" for g, n in counts.items()))
    return 0


class UsageError(ValueError):
    """A flag's value is malformed: reported like argparse's own errors, with exit 2."""


def _remote_store(spec: str, timeout: float = 60.0):
    """The --store value as a RemoteStore; credentials come from the environment, never the URL."""
    from .remote import RemoteStore

    try:
        return RemoteStore.parse(spec, user=os.environ.get("TIPGRAPH_STORE_USER"),
                                 password=os.environ.get("TIPGRAPH_STORE_PASSWORD"), timeout=timeout)
    except ValueError as error:
        raise UsageError(str(error)) from None


def cmd_generate(args) -> int:
    from .synthetic import write_dataset

    start = time.perf_counter()
    path = write_dataset(_project(args).data, args.out, args.practices, seed=args.seed)
    print(f"wrote {args.practices} synthetic practices (seed {args.seed}) to {path} in {time.perf_counter() - start:.1f} s; "
          f"build them with: tipgraph build --data {args.out}", file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    checked = check(_project(args), [Path(f) for f in args.files], reasoner=args.reasoner, validator=args.validator)
    report = checked.validation
    for result in report.results:
        print(checked.describe(result), file=sys.stderr if result.is_violation else sys.stdout)
    verdict = "conforms" if report.conforms else f"does not conform: {len(report.violations)} violation(s)"
    print(f"{', '.join(args.files)} with the project's data {verdict}; {len(report.warnings)} warning(s)")
    return 0 if report.conforms else 1


def _open_current(args):
    project = _project(args)
    return stores.open_store(stores.current_release(project.build) / "store")


def cmd_query(args) -> int:
    if (args.file is None) == (args.query is None):
        print("tipgraph query: give a query FILE or --query TEXT, not both", file=sys.stderr)
        return 2
    text = args.query if args.query is not None else Path(args.file).read_text(encoding="utf-8")
    store = _open_current(args)
    results = run(store, text, graph=args.graph)
    fmt = args.format or "table"
    if fmt == "table" and isinstance(results, ox.QueryTriples):
        fmt = "ttl"
    sys.stdout.buffer.write(format_results(results, fmt))
    return 0


def cmd_export(args) -> int:
    data = export(_open_current(args), args.format, args.graph)
    if args.out:
        Path(args.out).write_bytes(data)
        print(f"wrote {len(data)} bytes to {args.out}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_links(args) -> int:
    from . import links
    from .assemble import COUNTRY_CODES
    from .countries import read_country_codes

    project = _project(args)
    report = links.links_report(_open_current(args), read_country_codes(project.data / COUNTRY_CODES))
    if args.format == "json":
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(links.render_text(report))
    return 0 if report.ok else 1


def cmd_archive(args) -> int:
    from .archive import ArchiveError, write_bundle
    from .release import ReleaseError

    try:
        bag = write_bundle(_project(args), args.out)
    except (ArchiveError, ReleaseError) as error:
        print(f"tipgraph archive: {error}", file=sys.stderr)
        return 1
    files = sorted(p for p in bag.rglob("*") if p.is_file())
    print(f"wrote the BagIt bundle {bag} ({sum(p.stat().st_size for p in files)} bytes):")
    for path in files:
        print(f"  {path.relative_to(bag).as_posix():<32} {path.stat().st_size:>9}")
    print(f"check it with: tipgraph verify {bag}")
    return 0


def cmd_verify(args) -> int:
    from .verify import verify_bundle

    report = verify_bundle(Path(args.bundle))
    for check in report.checks:
        print(f"{'ok  ' if check.ok else 'FAIL'} {check.name:<10} {check.detail}")
    for note in report.notes:
        print(f"note {note}")
    if report.dataset_hash:
        print(f"dataset hash (RDFC-1.0, SHA-256): {report.dataset_hash}")
    for problem in report.problems:
        print(f"tipgraph verify: {problem}", file=sys.stderr)
    print(f"{args.bundle}: {'verified' if report.ok else 'verification FAILED'}")
    return 0 if report.ok else 1


def cmd_rerun(args) -> int:
    from .citation import PermalinkError, parse_permalink
    from .release import ReleaseError
    from .rerun import rerun
    from .verify import BundleError, bundle_store, verify_bundle

    try:
        pin = parse_permalink(args.permalink)
    except PermalinkError as error:
        print(f"tipgraph rerun: malformed permalink: {error}", file=sys.stderr)
        return 2
    report = verify_bundle(Path(args.bundle))
    if not report.ok:
        for problem in report.problems:
            print(f"tipgraph rerun: {problem}", file=sys.stderr)
        print(f"tipgraph rerun: {args.bundle} is not a valid bundle (see `tipgraph verify`); nothing was run", file=sys.stderr)
        return 1
    try:
        result = rerun(pin, bundle_store(Path(args.bundle)))
    except (BundleError, ReleaseError) as error:
        print(f"tipgraph rerun: {error}", file=sys.stderr)
        return 1
    print("\n".join(result.lines()))
    if result.matches:
        print(f"the cited result is reproduced by the bundle of release {result.release}")
    else:
        print("the bundle does NOT reproduce the cited result" +
              ("" if result.release_matches else f": it holds release {result.release}, the permalink cites {pin.release}"))
    return 0 if result.matches else 1


def _federation(args):
    """The --federate allow-list and its bounds, checked before anything starts."""
    from .web.federation import Federation

    if not 0 < args.federation_timeout < args.timeout:
        raise UsageError(f"--federation-timeout must be above 0 and below --timeout ({args.timeout:g} s)")
    try:
        return Federation.parse(args.federate, timeout=args.federation_timeout, max_rows=args.federation_max_rows)
    except ValueError as error:
        raise UsageError(str(error)) from None


def cmd_serve(args) -> int:
    from .web.app import config_for
    from .web.serve import serve

    project = _project(args)
    federation = _federation(args) if args.federate else None  # a bad allow-list fails before the build
    if not is_up_to_date(project):
        print("tipgraph serve: building the graph first", file=sys.stderr)
        cmd_build(argparse.Namespace(**{**vars(args), "if_needed": False, "reasoner": DEFAULT_REASONER, "validator": DEFAULT_VALIDATOR}))
    settings = {"query_timeout": args.timeout, "max_rows": args.max_rows, "workers": args.workers}
    if args.store:
        settings["remote"] = _remote_store(args.store, timeout=args.timeout)
    if federation is not None:
        settings["federation"] = federation
    config = config_for(project, **settings)
    print(f"tipgraph: serving {config.release.name} at http://{args.host}:{args.port}/ "
          f"(SPARQL at /sparql, query page at /query)", file=sys.stderr)
    serve(config, host=args.host, port=args.port)
    return 0


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(prog="tipgraph", description="Build, validate, query and export the tipgraph knowledge graph.")
    sub = main.add_subparsers(dest="command", required=True)

    def engines(p):
        p.add_argument("--reasoner", choices=REASONERS, default=DEFAULT_REASONER,
                       help="fast: OWL RL rules run inside the store (default); owlrl: the owlrl reference")
        p.add_argument("--validator", choices=VALIDATORS, default=DEFAULT_VALIDATOR,
                       help="fast: SHACL compiled to SPARQL (default); pyshacl: the pySHACL reference")

    def common(p, data=True):
        if data:
            p.add_argument("--data", type=Path, help="data folder (default: the project's data/)")
        p.add_argument("--build-dir", type=Path, help="build folder (default: the project's build/)")

    p = sub.add_parser("build", help="assemble, reason, validate and write a new release of the store")
    common(p)
    engines(p)
    p.add_argument("--if-needed", action="store_true", help="do nothing when the current build is from the same inputs")
    p.add_argument("--store", help="also load the release into this SPARQL server (a URL or a preset such as "
                                   "oxigraph:http://127.0.0.1:7878; see README)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("serve", help="serve the graph over HTTP (building it first if needed)")
    common(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port to listen on (default: 5000)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a query may run (default: 10)")
    p.add_argument("--max-rows", type=int, default=10_000, help="rows or triples per answer before it is cut (default: 10000)")
    p.add_argument("--workers", type=int, default=2, help="query worker processes (default: 2)")
    p.add_argument("--store", help="answer SPARQL through this server (loaded with build --store) instead of the local store")
    p.add_argument("--federate", action="append", default=[], metavar="IRI[=URL]",
                   help="allow SERVICE to this endpoint IRI (repeatable; SERVICE is refused otherwise); "
                        "IRI=URL sends its requests to a mirror at URL (see README, Federation)")
    p.add_argument("--federation-timeout", type=float, default=5.0,
                   help="seconds each federated request may take, shorter than --timeout (default: 5)")
    p.add_argument("--federation-max-rows", type=int, default=10_000,
                   help="rows a federated endpoint may answer with; more is an error (default: 10000)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("generate", help="write a data folder with N synthetic practices, for scale tests")
    p.add_argument("practices", type=int, help="how many synthetic practices")
    p.add_argument("--seed", type=int, default=0, help="random seed (the same seed gives the same bytes)")
    p.add_argument("--out", type=Path, required=True, help="the data folder to write")
    p.add_argument("--data", type=Path, help="the data folder to start from (default: the project's data/)")
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("validate", help="check Turtle files together with the project's data, writing nothing")
    p.add_argument("files", nargs="+", help="Turtle files to check")
    engines(p)
    p.add_argument("--data", type=Path, help="data folder (default: the project's data/)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("query", help="run a SPARQL query against the current build")
    p.add_argument("file", nargs="?", help="a file holding the query")
    p.add_argument("--query", "-q", help="the query text")
    p.add_argument("--format", "-f", choices=TABLE_FORMATS + GRAPH_FORMATS, help="output format (default: table, or ttl for graphs)")
    p.add_argument("--graph", "-g", default="default", choices=list(stores.GRAPH_SELECTIONS),
                   help="default graph: asserted + inferred facts (default), or one graph, or all")
    common(p, data=False)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("export", help="write the graph in a deterministic serialisation")
    p.add_argument("--format", "-f", required=True, choices=EXPORT_FORMATS)
    p.add_argument("--graph", "-g", choices=list(stores.GRAPH_SELECTIONS), help="graphs to export (default: asserted + inferred; all for nq and trig)")
    p.add_argument("--out", "-o", help="file to write (default: standard output)")
    common(p, data=False)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("links", help="report the external identifiers per kind of entity and check their form")
    p.add_argument("--format", "-f", choices=("text", "json"), default="text", help="output format (default: text)")
    common(p, data=False)
    p.set_defaults(func=cmd_links)

    p = sub.add_parser("archive", help="write the current build as a versioned BagIt release bundle")
    p.add_argument("--out", "-o", type=Path, help="the bag folder to write (default: <build dir>/bundles/tipgraph-<version>)")
    common(p, data=False)
    p.set_defaults(func=cmd_archive)

    p = sub.add_parser("verify", help="check a release bundle: BagIt checksums and canonical RDF hashes")
    p.add_argument("bundle", help="the bag folder written by tipgraph archive")
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("rerun", help="re-run a cited query (a /cite permalink) against a release bundle and compare digests")
    p.add_argument("permalink", help="the permalink, https://.../cite?query=...&release=...&dataset=...&result=...")
    p.add_argument("--bundle", required=True, help="the bag folder of the cited release (tipgraph archive, or the unzipped download)")
    p.set_defaults(func=cmd_rerun)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except UsageError as error:
        print(f"tipgraph {args.command}: {error}", file=sys.stderr)
        return 2
    except EXPECTED_ERRORS as error:
        print(f"tipgraph {args.command}: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        print(f"tipgraph {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
