"""Shared fixtures: one build of the project's data per test session, in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tipgraph import store as stores
from tipgraph.build import build
from tipgraph.project import Project

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Project:
    return Project().with_(build=tmp_path_factory.mktemp("build"))


@pytest.fixture(scope="session")
def built(project):
    """The result of building the project's own data once."""
    return build(project)


@pytest.fixture(scope="session")
def store(built, project):
    return stores.open_store(stores.current_release(project.build) / "store")


@pytest.fixture(scope="session")
def server_config(built, project):
    from tipgraph.web.app import config_for

    return config_for(project)


@pytest.fixture(scope="session")
def app(server_config):
    """One app over the session's build; its query workers start on first use and stop at the end."""
    from tipgraph.web import create_app

    application = create_app(server_config)
    yield application
    application.extensions["tipgraph"].close()


@pytest.fixture
def client(app):
    return app.test_client()
