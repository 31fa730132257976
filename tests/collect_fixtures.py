"""Small release-like repositories for the collection tests: a few released files, a manifest in
the repository, the instructor's record of it, and push logs in either forge's format.

`release` (helper A's) writes the real thing; these are built by hand so the collection tests
need neither it nor a full release, only the manifest format of grader.release_manifest.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from grader.release_manifest import MANIFEST, Manifest, release_id, write_record

EDITABLE = ("assignments/shapes.py",)
STUB = "def conv2d_output_size(size, kernel, stride=1, pad=0):\n    raise NotImplementedError\n"
RELEASED = {
    "cli.py": "print('the released cli')\n",
    "grader/__init__.py": "",
    "grader/check.py": "PUBLIC_ONLY = True\n",
    "README.md": "# hw1\n\nImplement assignments/shapes.py.\n",
    ".github/workflows/gradelab.yml": "on: [push]\njobs:\n  check:\n    runs-on: ubuntu-latest\n    steps:\n      - run: python cli.py check --ci\n",
    ".gitlab-ci.yml": "check:\n  script:\n    - python cli.py check --ci\n",
}


def sha(text: str | bytes) -> str:
    return hashlib.sha256(text.encode() if isinstance(text, str) else text).hexdigest()


def make_release(dest: Path, records: Path, created: str = "2026-11-01T00:00:00+00:00", assignment: str = "hw1", extra: dict[str, str] | None = None) -> Manifest:
    """Write a release into `dest` (assignments/shapes.py a stub) and its record into `records`."""
    files = {**RELEASED, **(extra or {})}
    for path, text in {**files, EDITABLE[0]: STUB}.items():
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        (dest / path).write_text(text)
    hashes = {path: sha(text) for path, text in files.items()}
    rid = release_id(assignment, hashes, {EDITABLE[0]: sha(STUB)})
    manifest = Manifest(rid, assignment, ("shapes",), {"shapes": 10.0}, "2026-12-01T23:59:00+00:00", "10% off per day late, up to 3 day(s), then zero",
                        "test", created, EDITABLE, hashes)
    (dest / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
    (dest / MANIFEST).write_text(manifest.to_json())
    write_record(records, manifest)
    return manifest


def github_log(*pushes: tuple[str, str], ref: str = "refs/heads/main", kind: str = "push") -> str:
    """GitHub's repository activity, newest first as the API lists it: (sha, ISO time) each."""
    items = [{"id": i, "node_id": f"A{i}", "before": "0" * 40, "after": sha_, "ref": ref, "timestamp": when, "activity_type": kind,
              "actor": {"login": "student"}} for i, (sha_, when) in enumerate(pushes)]
    return json.dumps(list(reversed(items)))


def gitlab_log(*pushes: tuple[str, str], branch: str = "main") -> str:
    """GitLab's push events, newest first: (sha, ISO time) each."""
    items = [{"action_name": "pushed to", "created_at": when, "author_username": "student",
              "push_data": {"commit_count": 1, "action": "pushed", "ref_type": "branch", "commit_from": None, "commit_to": sha_,
                            "ref": branch, "commit_title": "work"}} for sha_, when in pushes]
    return json.dumps(list(reversed(items)))
