"""The release bundle as a download: made once per release, on first request, and kept on disk.

``BundleFile(release_dir, version, project)`` stands for ``<release>/bundle/tipgraph-<version>.zip``.
``ready(wait)`` returns its path once it exists, making it first if needed:

- The work runs in a separate process (``spawn``, at a lower CPU priority), started by the first
  request; the web process only waits on an event, so /health and queries keep being answered
  (queries run in their own worker processes anyway). Concurrent requests share the one run.
- The bundle is written into a temporary folder beside the final file and moved into place with one
  atomic rename, so a reader never sees half a zip, and an interrupted run leaves nothing behind but
  a temporary folder that the next run replaces.
- A request waits at most ``wait`` seconds; after that it gets ``BundlePending`` (the web view answers
  503 with Retry-After) while the run goes on. A failed run raises ``BundleFailed`` for the requests
  that wait on it and is retried by the next request.

The zip is cached inside the release folder because a bundle holds dated metadata: two runs on
different days differ in those bytes, and one file per release keeps the download's ETag stable
for as long as the release is served (and across restarts and app instances). The files are made by
``tipgraph.archive`` (``write_bundle`` then ``pack_bundle``); this module only schedules and places
them. It bundles the build folder's *current* release, so it refuses (``BundleFailed``) when that is
no longer the release being served.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import tempfile
import threading
from pathlib import Path

from ..project import Project
from ..store import current_release


class BundlePending(Exception):
    """The bundle is still being made; ask again later."""


class BundleFailed(Exception):
    """The bundle could not be made; the message says why."""


def bundle_name(version: str) -> str:
    return f"tipgraph-{version}.zip"


def _make(project: Project, release: str, final: str, conn) -> None:  # runs in the child process
    try:
        os.nice(10)  # the bundle can wait; queries should not
    except OSError:
        pass
    try:
        from ..archive import pack_bundle, write_bundle

        target = Path(final)
        if current_release(project.build).resolve() != Path(release).resolve():
            raise BundleFailed(f"the build folder's current release is no longer {Path(release).name}, the one served; "
                               "restart the server to serve (and bundle) the new release")
        work = Path(tempfile.mkdtemp(prefix=".making-", dir=target.parent))
        try:
            bag = write_bundle(project, out=work / target.stem)
            packed = pack_bundle(Path(bag), work / target.name)
            os.replace(packed, target)  # atomic: the same file system
        finally:
            shutil.rmtree(work, ignore_errors=True)
        conn.send(None)
    except Exception as error:  # reported to the waiting requests, not raised in a child nobody reads
        conn.send(f"{type(error).__name__}: {error}")


class BundleFile:
    def __init__(self, release: Path, version: str, project: Project):
        self.release, self.version = Path(release), version
        self.path = self.release / "bundle" / bundle_name(version)
        self.project = project.with_(build=self.release.parent.parent)
        self._lock = threading.Lock()
        self._done: threading.Event | None = None
        self._error: str | None = None

    def ready(self, wait: float) -> Path:
        """The bundle's path, made first if it does not exist yet (see the module docstring)."""
        if self.path.exists():
            return self.path
        with self._lock:
            if self.path.exists():
                return self.path
            if self._done is None or (self._done.is_set() and self._error):
                self._start()
            done = self._done
        if not done.wait(wait):
            raise BundlePending(f"the bundle of release {self.version} is being made; ask again in a few seconds")
        if self._error or not self.path.exists():
            raise BundleFailed(self._error or "the bundle was not written")
        return self.path

    def _start(self) -> None:
        self._done, self._error = threading.Event(), None
        self.path.parent.mkdir(exist_ok=True)
        threading.Thread(target=self._run, args=(self._done,), daemon=True, name="tipgraph-bundle").start()

    def _run(self, done: threading.Event) -> None:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe(duplex=False)
        process = context.Process(target=_make, args=(self.project, str(self.release), str(self.path), child),
                                  daemon=True, name="tipgraph-bundle")
        try:
            process.start()
            child.close()
            try:
                self._error = parent.recv()
            except EOFError:
                self._error = f"the process making the bundle stopped (exit code {process.exitcode})"
            process.join()
        except Exception as error:
            self._error = f"the bundle could not be made: {error}"
        finally:
            parent.close()
            done.set()
