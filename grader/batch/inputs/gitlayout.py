"""A submission's `.git` folder, checked and its refs resolved without asking git.

git trusts a repository's own files: its config names commands (filters, pagers, fsmonitor,
hooks), a `.git` file or `commondir` sends it to another repository, `objects/info/alternates`
borrows another repository's objects, and a symbolic link anywhere inside can lead out of the
submission. So the grader reads only the folder's data: `check_layout` refuses everything that
could lead elsewhere, and `resolve_head` follows HEAD through loose refs and `packed-refs` itself,
every file opened without following links and read under a size bound. git is used only to read
objects (`grader.batch.inputs.gitobjects`), never pointed at the student's config.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

MAX_GIT_ENTRIES = 100_000  # entries under .git; a course repository has a few hundred
MAX_REF_BYTES = 4096
MAX_PACKED_REFS_BYTES = 16 << 20
MAX_SYMREF_DEPTH = 5  # git's own limit
_OID = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_REFNAME = re.compile(r"^refs/(?:[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*/)*[A-Za-z0-9_+@-][A-Za-z0-9._+@-]*$")


class LayoutError(Exception):
    """The repository cannot be read safely; the message is the student's feedback."""


def read_small(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most `limit`: no link followed, no FIFO or device waited on."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise LayoutError(f"{path.name} could not be opened ({exc.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LayoutError(f"{path.name} is not a regular file")
        if info.st_size > limit:
            raise LayoutError(f"{path.name} is larger than {limit} bytes")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise LayoutError(f"{path.name} is larger than {limit} bytes")
    return data


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def check_layout(repo: Path) -> Path:
    """`repo`'s .git folder, once nothing in it can lead outside `repo`; LayoutError otherwise."""
    dotgit = Path(repo) / ".git"
    info = os.lstat(dotgit)
    if stat.S_ISLNK(info.st_mode):
        raise LayoutError(".git is a symbolic link; a submission's repository must be its own .git folder")
    if stat.S_ISREG(info.st_mode):
        raise LayoutError(".git is a file (a pointer to a repository elsewhere, as a worktree or submodule has); submit the repository itself")
    if not stat.S_ISDIR(info.st_mode):
        raise LayoutError(".git is not a folder")
    for name, why in (
        ("commondir", "shares another repository's objects and refs (a linked worktree)"),
        ("objects/info/alternates", "borrows objects from another repository (alternates)"),
    ):
        if os.path.lexists(dotgit / name):
            raise LayoutError(f".git/{name} {why}; submit a standalone clone")
    root = os.path.realpath(repo)
    seen = 0
    for dirpath, dirnames, filenames in os.walk(dotgit, followlinks=False):
        seen += len(dirnames) + len(filenames)
        if seen > MAX_GIT_ENTRIES:
            raise LayoutError(f".git holds more than {MAX_GIT_ENTRIES} entries")
        for entry in (*dirnames, *filenames):
            path = os.path.join(dirpath, entry)
            mode = os.lstat(path).st_mode
            rel = os.path.relpath(path, repo)
            if stat.S_ISLNK(mode):
                if not _inside(os.path.realpath(path), root):
                    raise LayoutError(f"{rel} is a symbolic link that leads outside the submission")
            elif not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                raise LayoutError(f"{rel} is not a regular file or folder")
    return dotgit


def _packed_refs(dotgit: Path) -> dict[str, str]:
    if not os.path.lexists(dotgit / "packed-refs"):
        return {}
    refs: dict[str, str] = {}
    for line in read_small(dotgit / "packed-refs", MAX_PACKED_REFS_BYTES).decode("ascii", "replace").splitlines():
        if line.startswith(("#", "^")) or " " not in line:
            continue
        oid, name = line.split(" ", 1)
        refs[name.strip()] = oid.strip()
    return refs


def _ref(dotgit: Path, name: str) -> str:
    """A ref file's text (an object id or "ref: ..."), loose first, then packed."""
    if not _REFNAME.match(name) or ".." in name or name.endswith(".lock"):
        raise LayoutError(f"HEAD names an invalid ref {name[:100]!r}")
    if os.path.lexists(dotgit / name):
        return read_small(dotgit / name, MAX_REF_BYTES).decode("ascii", "replace").strip()
    packed = _packed_refs(dotgit).get(name)
    if packed is None:
        raise LayoutError(f"HEAD points to {name}, which has no commit")
    return packed


def resolve_head(dotgit: Path) -> str:
    """The object id HEAD names, following at most MAX_SYMREF_DEPTH symbolic refs."""
    text = read_small(dotgit / "HEAD", MAX_REF_BYTES).decode("ascii", "replace").strip()
    for _ in range(MAX_SYMREF_DEPTH + 1):
        if not text.startswith("ref:"):
            if not _OID.match(text):
                raise LayoutError(f"HEAD does not name a commit ({text[:80]!r})")
            return text
        text = _ref(dotgit, text[4:].strip())
    raise LayoutError(f"HEAD is a chain of more than {MAX_SYMREF_DEPTH} symbolic refs (a loop?)")


def head_ref(dotgit: Path) -> str | None:
    """The branch HEAD names (`refs/heads/main`), or None when HEAD is detached. A fresh clone's
    HEAD names the forge's default branch: the branch whose pushes decide what is graded."""
    text = read_small(dotgit / "HEAD", MAX_REF_BYTES).decode("ascii", "replace").strip()
    if not text.startswith("ref:"):
        return None
    name = text[4:].strip()
    return name if _REFNAME.match(name) and ".." not in name else None
