"""Commits and trees of a git repository, parsed here from the bytes `gitobjects` reads.

The commit graded by date is the newest by committer date reachable from HEAD that is not after
the deadline (as `git rev-list -1 --before`). Only the trees staging needs are read for grading,
top level and the package folder down to the staging depth, under bounds on entries and bytes: a
tree that expands to 10^9 paths costs what its first few levels cost. The tamper check's snapshot
walks the whole tree under the same bound on entries, and a tree cut short says so.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from grader.batch.inputs.gitobjects import ObjectError, ObjectStore
from grader.batch.inputs.snapshot import LINK, NOISE_FOLDERS, SPECIAL, Snapshot, SnapshotBuilder
from grader.batch.inputs.submission import MAX_DEPTH, MAX_ENTRIES

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

    def _local(self) -> datetime:
        sign = -1 if self.offset.startswith("-") else 1
        return datetime.fromtimestamp(self.when, timezone(sign * timedelta(hours=int(self.offset[1:3]), minutes=int(self.offset[3:5]))))

    def date(self) -> str:
        """As `git log --format=%ci`: "2026-11-30 12:00:00 +0000"."""
        return self._local().strftime("%Y-%m-%d %H:%M:%S ") + self.offset

    def iso(self) -> str:
        return self._local().isoformat()


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


def read_commit(store: ObjectStore, oid: str) -> Commit:
    return parse_commit(oid, store.read(oid, "commit", MAX_COMMIT_BYTES))


def pick_commit(store: ObjectStore, head: str, deadline: str | None) -> Commit | None:
    """HEAD's commit, or the newest by committer date reachable from it that is not after
    `deadline` (ISO 8601); None when there is none. A missing parent ends its line (a shallow clone)."""
    first = read_commit(store, head)
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
                found = read_commit(store, parent)
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


class TreeReader:
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
    reader = TreeReader(store)
    top = reader.entries(tree)
    package = [child for mode, name, child in top if name == "assignments" and mode == "40000"]
    if package:
        found = reader.files(package[0], "assignments/", MAX_DEPTH - 1)
        if any(p.endswith(".py") for p in found):
            return found
    return reader.files(tree, "", MAX_DEPTH - 1)


MAX_TREE_DEPTH = 16  # folders below the top that the snapshot walks


def _blob_reader(store: ObjectStore, oid: str) -> Callable[[int], bytes]:
    return lambda limit: store.read(oid, "blob", limit)


def tree_snapshot(store: ObjectStore, tree: str) -> Snapshot:
    """Every file of the commit's tree, hashed (`grader.batch.inputs.snapshot`); a tree too wide,
    too deep or with missing objects is cut short, with why, never an error."""
    taken = SnapshotBuilder()
    reader = TreeReader(store)
    stack = [(tree, "", 0)]
    try:
        while stack and not taken.full():
            oid, prefix, depth = stack.pop()
            for mode, name, child in reader.entries(oid):
                if "/" in name or name in ("", ".", ".."):
                    raise GitError(f"a tree holds an invalid name {name[:80]!r}")
                path = f"{prefix}{name}"
                if mode in _REGULAR:
                    found = store.info(child)
                    if found is None or found[0] != "blob":
                        taken.marker(path, "(a missing object)")
                    else:
                        taken.file(path, found[1], _blob_reader(store, child), key=child)
                elif mode == "40000" and name not in NOISE_FOLDERS:
                    if depth >= MAX_TREE_DEPTH:
                        taken.cut_short(f"folders deeper than {MAX_TREE_DEPTH} levels were not compared")
                    else:
                        stack.append((child, path + "/", depth + 1))
                elif mode != "40000":
                    taken.marker(path, LINK if mode == "120000" else SPECIAL)  # a link, or a submodule
    except (GitError, ObjectError) as exc:
        taken.cut_short(f"the tree could not be read whole ({exc})")
    return taken.build()
