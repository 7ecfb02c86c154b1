"""The README documents every command and every route the app serves (so docs cannot fall behind)."""

from __future__ import annotations

import re
from pathlib import Path

from tipgraph.cli import parser

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented():
    commands = parser()._subparsers._group_actions[0].choices
    missing = [name for name in commands if f"### `tipgraph {name}" not in README]
    assert not missing


def test_every_route_is_documented(app):
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static_files":
            continue
        fixed = re.split(r"[<.]", rule.rule, maxsplit=1)[0].rstrip("/") or "/"
        if fixed in ("/", ) or f"`{fixed}" in README:
            continue
        missing.append(rule.rule)
    assert not missing, f"routes missing from README.md: {missing}"
