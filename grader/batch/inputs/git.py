"""A git repository as a submission: graded at HEAD, at the last commit before a deadline, or at
the commit the forge's push log says was pushed last before it (`gitselect`).

A folder of clones is graded as cloned. Nothing the repository configures ever runs: its `.git`
is checked (`gitlayout`), HEAD is resolved from its files, and commits, trees and blobs are parsed
(`gittree`) from the bytes `gitobjects` reads. The working tree is never looked at: uncommitted
edits are not graded. Reading runs in a bounded child process (`grader.batch.inputs.bounded`),
never in the batch.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from grader.batch.inputs.gitlayout import LayoutError, check_layout, head_ref, resolve_head
from grader.batch.inputs.gitobjects import ObjectError, ObjectStore
from grader.batch.inputs.gitselect import NothingToGrade, Selected, select_commit
from grader.batch.inputs.gittree import GitError, graded_files, tree_snapshot
from grader.batch.inputs.read_options import ReadOptions
from grader.batch.inputs.submission import MAX_FILE_BYTES, Submission, content_hash, graded_paths, problem_submission, read_bounded
from grader.text import file_name


def read_git(path: Path, asked: ReadOptions | None = None, work: Path | None = None) -> Submission:
    """The repository at the chosen commit; anything unreadable is a problem, not an exception.

    `work`: a folder for git's private repository (the caller removes it); a temporary one if None.
    """
    asked = asked or ReadOptions()
    repo = Path(path)
    name = repo.resolve().name
    try:
        dotgit = check_layout(repo)
    except (LayoutError, OSError) as exc:
        return problem_submission(name, repo, "git", f"the repository was refused: {exc}")
    try:
        head = resolve_head(dotgit)
        branch = head_ref(dotgit)
    except LayoutError as exc:
        return problem_submission(name, repo, "git", f"the repository has no commit to grade ({exc})")
    if work is None:
        with tempfile.TemporaryDirectory(prefix="gradelab-git-") as tmp:
            return _read_at(repo, name, dotgit, head, branch, asked, Path(tmp))
    return _read_at(repo, name, dotgit, head, branch, asked, work)


def _read_at(repo: Path, name: str, dotgit: Path, head: str, branch: str | None, asked: ReadOptions, work: Path) -> Submission:
    chosen: Selected | None = None
    try:
        with ObjectStore(Path(os.path.realpath(dotgit / "objects")), work, sha256=len(head) == 64) as store:
            if store.info(head) is None:
                return problem_submission(name, repo, "git", f"the repository has no commit to grade (HEAD {head[:12]} is missing)")
            try:
                chosen = select_commit(store, head, branch, asked)
            except NothingToGrade as exc:
                return problem_submission(name, repo, "git", str(exc))
            commit = chosen.commit
            blobs = graded_files(store, commit.tree)
            kept, notes = graded_paths(blobs)
            sizes = {p: _size(store, blobs[p]) for p in kept}
            files, more = read_bounded(kept, sizes.__getitem__, lambda p: store.read(blobs[p], "blob", MAX_FILE_BYTES))
            taken = tree_snapshot(store, commit.tree) if asked.snapshot else None
    except (GitError, ObjectError, ValueError, OSError) as exc:
        at = f" at {chosen.commit.oid[:12]}" if chosen else ""
        return problem_submission(name, repo, "git", f"the repository could not be read{at} ({exc})", revision=chosen.commit.oid if chosen else "")
    return Submission(
        file_name(name),
        str(repo),
        "git",
        files,
        content_hash(files),
        commit.oid,
        notes=(chosen.note, *notes, *more),
        snapshot=taken,
        submitted_at=chosen.submitted_at,
        timed_by=chosen.timed_by,
    )


def _size(store: ObjectStore, oid: str) -> int:
    found = store.info(oid)
    if found is None or found[0] != "blob":
        raise GitError(f"blob {oid[:12]} is missing")
    return found[1]


def parse_deadline(text: str) -> str:
    """ "2026-12-01 23:59" (local time) or any ISO 8601 time -> ISO 8601 with its UTC offset."""
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f'{text!r} is not a date and time such as "2026-12-01 23:59"') from None
    if when.tzinfo is None:
        when = when.astimezone()  # a naive time is the grader's local time
    return when.isoformat()
