"""Tamper flags: a repository compared with the instructor's record of the release it came from.

The repository's own `.gradelab/release.json` is read for its release id only (a student can edit
it along with the files it lists); the files are compared with the instructor's record of that
id (`<records>/<release id>.json`, written by `release`). A repository naming no release, or one
the records do not hold, is flagged and compared with the newest release of the assignment.

Flags, per submission: released files outside the editable globs that changed or are gone, files
added outside them, with their own flag for what runs code by itself (pytest's `conftest.py`,
Python's `sitecustomize.py`/`usercustomize.py` and `.pth` files) and for CI workflow edits
(`.github/workflows/*`, `.gitlab-ci.yml`), and a release older than the newest. Flags never
change a score: the grade always comes from the instructor's grader on `assignments/` only.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from grader.batch.inputs.snapshot import Snapshot
from grader.collection import Flag
from grader.release_manifest import MANIFEST, Manifest, ManifestError, read_record

RUNS_CODE = ("conftest.py", "sitecustomize.py", "usercustomize.py")
SHOWN = 8  # paths named in one flag; the rest are counted


def runs_code(path: str) -> bool:
    name = PurePosixPath(path).name
    return name in RUNS_CODE or name.endswith(".pth")


def is_workflow(path: str) -> bool:
    return path.startswith(".github/workflows/") or path in (".gitlab-ci.yml", ".gitlab-ci.yaml")


def editable(path: str, globs: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, g) for g in globs)


def _listed(paths: Sequence[str]) -> str:
    shown = ", ".join(sorted(paths)[:SHOWN])
    return shown + (f" (and {len(paths) - SHOWN} more)" if len(paths) > SHOWN else "")


def compare(snapshot: Snapshot, record: Manifest) -> list[Flag]:
    """The flags of one repository's files against one release's record."""
    changed: list[str] = []
    missing: list[str] = []
    added: list[str] = []
    code: list[str] = []
    workflow: list[str] = []
    for path, digest in record.files.items():
        if path == MANIFEST or editable(path, record.editable):
            continue
        got = snapshot.hashes.get(path)
        if got is None and snapshot.incomplete:
            continue  # not listed: the flag for an incomplete snapshot says so
        if got is None:
            (workflow if is_workflow(path) else missing).append(f"{path} (removed)" if is_workflow(path) else path)
        elif got != digest:
            (workflow if is_workflow(path) else changed).append(f"{path} (changed)" if is_workflow(path) else path)
    for path in snapshot.hashes:
        if path in record.files or path == MANIFEST or editable(path, record.editable):
            continue
        if is_workflow(path):
            workflow.append(f"{path} (added)")
        elif runs_code(path):
            code.append(path)
        else:
            added.append(path)
    flags = []
    if workflow:
        flags.append(Flag("workflow", f"{_listed(workflow)} (the CI workflow of release {record.release})"))
    if code:
        flags.append(Flag("runs-code", f"{_listed(code)} (added; pytest and Python run these by themselves)"))
    if changed:
        flags.append(Flag("changed", f"{_listed(changed)} (outside the editable files, against release {record.release})"))
    if missing:
        flags.append(Flag("missing", f"{_listed(missing)} (in release {record.release}, gone from the repository)"))
    if added:
        flags.append(Flag("added", f"{_listed(added)} (not in release {record.release}, outside the editable files)"))
    if snapshot.incomplete:
        flags.append(Flag("incomplete", f"not every file was compared: {snapshot.incomplete}"))
    return flags


def _record(records: Path, release: str) -> Manifest | None:
    try:
        return read_record(records, release)
    except (ManifestError, OSError, UnicodeDecodeError):
        return None  # an unreadable record is no record: the flag says the release is unknown


def release_flags(snapshot: Snapshot, records: Path, latest: Manifest | None, assignment: str) -> list[Flag]:
    """Every tamper flag of one repository: its release, then its files against that release."""
    flags: list[Flag] = []
    record = _record(records, snapshot.release) if snapshot.release else None
    newest = f"the newest release {latest.release}" if latest else "no release (the records hold none of this assignment)"
    if not snapshot.release:
        flags.append(Flag("no-manifest", f"{snapshot.manifest}; compared with {newest}"))
        record = latest
    elif record is None:
        flags.append(Flag("unknown-release", f"the repository names {snapshot.release}, which the instructor's records do not hold; compared with {newest}"))
        record = latest
    elif record.assignment != assignment:
        flags.append(Flag("other-assignment", f"made from {record.release}, a release of {record.assignment}, not {assignment}"))
    elif latest is not None and record.release != latest.release:
        flags.append(Flag("old-release", f"made from {record.release} ({record.created}); the newest release is {latest.release} ({latest.created})"))
    if record is not None:
        flags += compare(snapshot, record)
    return flags
