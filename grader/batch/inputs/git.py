"""A git repository as a submission: graded at HEAD, or at the last commit before a deadline.

A folder of GitHub Classroom clones is graded as cloned. Nothing the repository configures ever
runs: its `.git` is checked (`grader.batch.inputs.gitlayout`), HEAD is resolved from its files, and commits,
trees and blobs are parsed here from the bytes `grader.batch.inputs.gitobjects` reads. The commit graded is
the newest by committer date reachable from HEAD that is not after the deadline (as
`git rev-list -1 --before`; the date is set on the student's machine, git does not record when a
commit was pushed). Only the trees staging needs are read, top level and the package folder down
to the staging depth, under bounds on entries and bytes: a tree that expands to 10^9 paths costs
what its first few levels cost. The working tree is never looked at: uncommitted edits are not
graded. Reading runs in a bounded child process (`grader.batch.inputs.bounded`), never in the batch.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from grader.batch.inputs.gitlayout import LayoutError, check_layout, resolve_head
from grader.batch.inputs.gitobjects import ObjectError, ObjectStore
from grader.batch.inputs.submission import MAX_DEPTH, MAX_ENTRIES, MAX_FILE_BYTES, Submission, content_hash, graded_paths, problem_submission, read_bounded
from grader.text import file_name

MAX_COMMITS = 10_000  # commits walked looking for the one before the deadline
MAX_COMMIT_BYTES = 1 << 20
MAX_TREE_BYTES = 4 << 20
_REGULAR = ("100644", "100755")


class GitError(Exception):
    pass


@dataclass(frozen=True)
class Commit:
    oid: str
    tree: str
    parents: tuple[str, ...]
    when: int  # committer date, seconds since the epoch
    offset: str  # the committer's UTC offset, "+0100"

    def date(self) -> str:
        """As `git log --format=%ci`: "2026-11-30 12:00:00 +0000"."""
        sign = -1 if self.offset.startswith("-") else 1
        tz = timezone(sign * timedelta(hours=int(self.offset[1:3]), minutes=int(self.offset[3:5])))
        return datetime.fromtimestamp(self.when, tz).strftime("%Y-%m-%d %H:%M:%S ") + self.offset


def parse_commit(oid: str, data: bytes) -> Commit:
    tree, parents, when, offset = "", [], None, "+0000"
    for line in data.split(b"\n\n", 1)[0].decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        if key == "tree":
            tree = value.strip()
        elif key == "parent":
            parents.append(value.strip())
        elif key == "committer":
            stamp, zone = value.rsplit(" ", 2)[-2:]
            if not stamp.isdigit() or len(zone) != 5 or zone[0] not in "+-" or not zone[1:].isdigit():
                raise GitError(f"commit {oid[:12]} has a malformed committer date")
            when, offset = int(stamp), zone
    if not tree or when is None:
        raise GitError(f"commit {oid[:12]} is malformed")
    return Commit(oid, tree, tuple(parents), when, offset)


def _commit(store: ObjectStore, oid: str) -> Commit:
    return parse_commit(oid, store.read(oid, "commit", MAX_COMMIT_BYTES))


def pick_commit(store: ObjectStore, head: str, deadline: str | None) -> Commit | None:
    """HEAD's commit, or the newest by committer date reachable from it that is not after
    `deadline` (ISO 8601); None when there is none. A missing parent ends its line (a shallow clone)."""
    first = _commit(store, head)
    if deadline is None:
        return first
    limit = datetime.fromisoformat(deadline).timestamp()
    queue: list[tuple[int, str, Commit]] = [(-first.when, first.oid, first)]
    seen = {first.oid}
    while queue:
        if len(seen) > MAX_COMMITS:
            raise GitError(f"more than {MAX_COMMITS} commits are newer than the deadline")
        _, _, commit = heapq.heappop(queue)
        if commit.when <= limit:
            return commit
        for parent in commit.parents:
            if parent not in seen and store.info(parent) is not None:
                seen.add(parent)
                found = _commit(store, parent)
                heapq.heappush(queue, (-found.when, found.oid, found))
    return None


def parse_tree(oid: str, data: bytes) -> list[tuple[str, str, str]]:
    """(mode, name, object id) of each entry of a tree object."""
    width = 20 if len(oid) == 40 else 32
    entries, i = [], 0
    while i < len(data):
        space, nul = data.find(b" ", i), data.find(b"\0", i)
        if space < 0 or nul < space or nul + 1 + width > len(data):
            raise GitError(f"tree {oid[:12]} is malformed")
        entries.append((data[i:space].decode("ascii", "replace"), data[space + 1 : nul].decode("utf-8", "replace"), data[nul + 1 : nul + 1 + width].hex()))
        i = nul + 1 + width
    return entries


class _TreeReader:
    """Trees read once each (a bomb repeats one subtree), every entry listed counted against a bound."""

    def __init__(self, store: ObjectStore):
        self.store = store
        self.cache: dict[str, list[tuple[str, str, str]]] = {}
        self.listed = 0

    def entries(self, oid: str) -> list[tuple[str, str, str]]:
        if oid not in self.cache:
            self.cache[oid] = parse_tree(oid, self.store.read(oid, "tree", MAX_TREE_BYTES))
        found = self.cache[oid]
        self.listed += len(found)
        if self.listed > MAX_ENTRIES:
            raise GitError(f"the commit's folders hold more than {MAX_ENTRIES} entries")
        return found

    def files(self, oid: str, prefix: str, depth: int) -> dict[str, str]:
        """Regular files (path -> blob id) at most `depth` folders below `prefix`; links and
        submodules are left out."""
        found: dict[str, str] = {}
        for mode, name, child in self.entries(oid):
            if "/" in name or name in ("", ".", ".."):
                raise GitError(f"a tree of the commit holds an invalid name {name[:80]!r}")
            path = f"{prefix}{name}"
            if mode in _REGULAR:
                found[path] = child
            elif mode == "40000" and depth > 0:
                found.update(self.files(child, path + "/", depth - 1))
        return found


def graded_files(store: ObjectStore, tree: str) -> dict[str, str]:
    """The paths `graded_paths` may keep: under assignments/ when it holds Python files, else
    anywhere down to the staging depth."""
    reader = _TreeReader(store)
    top = reader.entries(tree)
    package = [child for mode, name, child in top if name == "assignments" and mode == "40000"]
    if package:
        found = reader.files(package[0], "assignments/", MAX_DEPTH - 1)
        if any(p.endswith(".py") for p in found):
            return found
    return reader.files(tree, "", MAX_DEPTH - 1)


def read_git(path: Path, deadline: str | None, work: Path | None = None) -> Submission:
    """The repository at the chosen commit; anything unreadable is a problem, not an exception.

    `work`: a folder for git's private repository (the caller removes it); a temporary one if None.
    """
    repo = Path(path)
    name = repo.resolve().name
    try:
        dotgit = check_layout(repo)
    except (LayoutError, OSError) as exc:
        return problem_submission(name, repo, "git", f"the repository was refused: {exc}")
    try:
        head = resolve_head(dotgit)
    except LayoutError as exc:
        return problem_submission(name, repo, "git", f"the repository has no commit to grade ({exc})")
    if work is None:
        with tempfile.TemporaryDirectory(prefix="gradelab-git-") as tmp:
            return _read_at(repo, name, dotgit, head, deadline, Path(tmp))
    return _read_at(repo, name, dotgit, head, deadline, work)


def _read_at(repo: Path, name: str, dotgit: Path, head: str, deadline: str | None, work: Path) -> Submission:
    commit: Commit | None = None
    try:
        with ObjectStore(Path(os.path.realpath(dotgit / "objects")), work, sha256=len(head) == 64) as store:
            if store.info(head) is None:
                return problem_submission(name, repo, "git", f"the repository has no commit to grade (HEAD {head[:12]} is missing)")
            commit = pick_commit(store, head, deadline)
            if commit is None:
                return problem_submission(name, repo, "git", f"no commit before the deadline {deadline}: graded as an empty submission")
            blobs = graded_files(store, commit.tree)
            kept, notes = graded_paths(blobs)
            sizes = {p: _size(store, blobs[p]) for p in kept}
            files, more = read_bounded(kept, sizes.__getitem__, lambda p: store.read(blobs[p], "blob", MAX_FILE_BYTES))
    except (GitError, ObjectError, ValueError, OSError) as exc:
        at = f" at {commit.oid[:12]}" if commit else ""
        return problem_submission(name, repo, "git", f"the repository could not be read{at} ({exc})", revision=commit.oid if commit else "")
    chosen = f"graded commit {commit.oid[:12]} of {commit.date()}" + (f" (the last before the deadline {deadline})" if deadline else " (HEAD)")
    return Submission(file_name(name), str(repo), "git", files, content_hash(files), commit.oid, notes=(chosen, *notes, *more))


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
