"""Reading a submission's git objects with a git that never sees its configuration.

git runs in a private, empty repository of the grader's own (`GIT_DIR`, a neutral config) whose
object directory is the student's `.git/objects` (`GIT_OBJECT_DIRECTORY`). Only
`cat-file --batch-command` is used: plumbing that prints an object's stored bytes, with no
filters, textconv, pager, hooks or attributes. The environment is emptied of everything git
reads configuration from (system, global, $HOME, XDG, GIT_CONFIG_*), replace refs are off, and
every object is read only after its size is known to be within the caller's bound.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

_OID = re.compile(rb"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
# Pack windows small enough for the reader's address-space limit (grader.batch.inputs.bounded).
_CONFIG = """[core]
\trepositoryformatversion = {version}
\tbare = true
\tpackedGitWindowSize = 16m
\tpackedGitLimit = 256m
\tdeltaBaseCacheLimit = 16m
"""
_SHA256 = "[extensions]\n\tobjectFormat = sha256\n"


class ObjectError(Exception):
    pass


def clean_env(private: Path, objects: Path) -> dict[str, str]:
    """Nothing of the caller's environment: git reads config only from the private repository."""
    return {
        "PATH": "/usr/bin:/bin:/usr/local/bin",
        "LC_ALL": "C",
        "HOME": "/nonexistent",
        "XDG_CONFIG_HOME": "/nonexistent",
        "GIT_DIR": str(private),
        "GIT_OBJECT_DIRECTORY": str(objects),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_SYSTEM": "/dev/null",
        "GIT_ATTR_NOSYSTEM": "1",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_NO_LAZY_FETCH": "1",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_PAGER": "cat",
        "PAGER": "cat",
        "GIT_OPTIONAL_LOCKS": "0",
    }


def private_repo(folder: Path, sha256: bool = False) -> Path:
    """An empty bare repository in `folder` (which the caller owns and removes)."""
    git_dir = Path(folder) / "neutral.git"
    for sub in ("objects", "refs"):
        (git_dir / sub).mkdir(parents=True, exist_ok=True)
    (git_dir / "HEAD").write_text("ref: refs/heads/none\n")
    (git_dir / "config").write_text(_CONFIG.format(version=1 if sha256 else 0) + (_SHA256 if sha256 else ""))
    return git_dir


class ObjectStore:
    """`info` and `read` objects of one object directory through one cat-file process."""

    def __init__(self, objects: Path, private: Path, sha256: bool = False):
        git_dir = private_repo(private, sha256)
        self._proc = subprocess.Popen(
            ["git", "--no-replace-objects", "cat-file", "--batch-command"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=git_dir,
            env=clean_env(git_dir, Path(objects)),
        )

    def __enter__(self) -> ObjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        assert self._proc.stdin is not None
        try:
            self._proc.stdin.close()
        except OSError:
            pass
        try:
            self._proc.wait(5.0)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def _ask(self, command: str, oid: str) -> tuple[str, int] | None:
        if not _OID.match(oid.encode()):
            raise ObjectError(f"not an object id: {oid[:80]!r}")
        assert self._proc.stdin is not None and self._proc.stdout is not None
        try:
            self._proc.stdin.write(f"{command} {oid}\n".encode())
            self._proc.stdin.flush()
        except OSError:
            raise ObjectError("git cat-file stopped") from None
        header = self._proc.stdout.readline(256).split()
        if len(header) == 2 and header[1] == b"missing":
            return None
        if len(header) != 3 or header[0] != oid.encode():
            raise ObjectError(f"git cat-file answered {b' '.join(header)[:120]!r} for {oid}")
        return header[1].decode(), int(header[2])

    def info(self, oid: str) -> tuple[str, int] | None:
        """(type, size) of an object, without reading its contents; None when it is missing."""
        return self._ask("info", oid)

    def read(self, oid: str, kind: str, limit: int) -> bytes:
        """The object's bytes; ObjectError if it is missing, of another type or over `limit`."""
        found = self.info(oid)
        if found is None:
            raise ObjectError(f"object {oid[:12]} is missing")
        if found[0] != kind:
            raise ObjectError(f"object {oid[:12]} is a {found[0]}, not a {kind}")
        if found[1] > limit:
            raise ObjectError(f"{kind} {oid[:12]} is larger than {limit} bytes")
        asked = self._ask("contents", oid)
        assert self._proc.stdout is not None
        if asked is None or asked[1] != found[1]:
            raise ObjectError(f"object {oid[:12]} changed while it was read")
        data = self._proc.stdout.read(asked[1] + 1)  # the contents and git's closing newline
        if len(data) != asked[1] + 1:
            raise ObjectError(f"object {oid[:12]} was cut short")
        return data[:-1]
