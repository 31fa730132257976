"""Hostile inputs for the batch: repositories whose git config names commands, `.git` folders
that lead elsewhere, tree bombs, corrupt archives, FIFOs, names that collide with the grader's.

Every planted command only touches a marker file, so a test can tell whether it ran.
"""
from __future__ import annotations

import os
import subprocess
import zipfile
from pathlib import Path

from batch_fixtures import VECTORIZED, commit_all, git, good

# name -> (.git/config text, with {cmd} and {tmp} in it; the .gitattributes committed)
GIT_MECHANISMS: dict[str, tuple[str, str]] = {
    "filter.smudge": ('[filter "x"]\n\tsmudge = {cmd}\n', "*.py filter=x\n"),
    "filter.clean": ('[filter "x"]\n\tclean = {cmd}\n', "*.py filter=x\n"),
    "filter.process": ('[filter "x"]\n\tprocess = {cmd}\n\trequired = true\n', "*.py filter=x\n"),
    "diff.external": ("[diff]\n\texternal = {cmd}\n", ""),
    "diff.textconv": ('[diff "x"]\n\ttextconv = {cmd}\n', "*.py diff=x\n"),
    "core.pager": ("[core]\n\tpager = {cmd}\n[pager]\n\tlog = {cmd}\n\tcat-file = {cmd}\n", ""),
    "include.path": ("[include]\n\tpath = {tmp}/included.cfg\n", "*.py filter=x\n"),
    "includeIf": ('[includeIf "gitdir:/"]\n\tpath = {tmp}/included.cfg\n', "*.py filter=x\n"),
    "core.fsmonitor": ("[core]\n\tfsmonitor = {cmd}\n", ""),
    "core.hooksPath": ("[core]\n\thooksPath = {tmp}/hooks\n", ""),
    "core.sshCommand": ('[core]\n\tsshCommand = {cmd}\n[remote "origin"]\n\turl = ssh://example.invalid/x\n', ""),
    "uploadpack.packObjectsHook": ("[uploadpack]\n\tpackObjectsHook = {cmd}\n", ""),
    "alias": ("[alias]\n\tarchive = !{cmd}\n\tlog = !{cmd}\n\trev-list = !{cmd}\n\tcat-file = !{cmd}\n", ""),
    "gpg.program": ("[gpg]\n\tprogram = {cmd}\n[log]\n\tshowSignature = true\n", ""),
    "core.askPass": ("[core]\n\taskPass = {cmd}\n[credential]\n\thelper = !{cmd}\n", ""),
    "core.editor": ("[core]\n\teditor = {cmd}\n[sequence]\n\teditor = {cmd}\n", ""),
    "core.gitProxy": ("[core]\n\tgitProxy = {cmd}\n", ""),
    "extensions.partialClone": ('[core]\n\trepositoryformatversion = 1\n[extensions]\n\tpartialClone = origin\n'
                                '[remote "origin"]\n\turl = ext::{cmd}\n\tpromisor = true\n[protocol "ext"]\n\tallow = always\n', ""),
}
HOOKS = ("post-checkout", "pre-commit", "post-index-change", "reference-transaction", "pre-auto-gc", "fsmonitor-watchman")


def armed_repo(dest: Path, mechanism: str, marker: Path) -> tuple[Path, str]:
    """A repository holding the vectorized shapes.py at HEAD whose config (and committed
    .gitattributes, and hooks) would `touch marker` if git obeyed them. Returns (repo, HEAD)."""
    cmd = f"touch {marker}"
    config, attributes = GIT_MECHANISMS[mechanism]
    tmp = dest.parent / f"{dest.name}-extra"
    (tmp / "hooks").mkdir(parents=True)
    (tmp / "included.cfg").write_text(f'[filter "x"]\n\tsmudge = {cmd}\n\tclean = {cmd}\n[core]\n\tpager = {cmd}\n')
    good(dest)
    if attributes:
        (dest / ".gitattributes").write_text(attributes)
    git(dest, "init", "-q")
    head = commit_all(dest, "solution", "2026-11-30T12:00:00+00:00")
    with open(dest / ".git" / "config", "a") as f:
        f.write(config.format(cmd=cmd, tmp=tmp))
    for hook in HOOKS:
        for folder in (tmp / "hooks", dest / ".git" / "hooks"):
            (folder / hook).write_text(f"#!/bin/sh\n{cmd}\n")
            (folder / hook).chmod(0o755)
    return dest, head


def tree_bomb(dest: Path, width: int = 10, levels: int = 9) -> tuple[Path, str]:
    """A repository whose assignments/ holds the real shapes.py and `bomb/`: `width` entries
    that all name one subtree, `levels` deep (width**levels paths; a few KB of objects)."""
    dest.mkdir(parents=True)
    git(dest, "init", "-q")

    def write(args: list[str], data: str) -> str:
        return subprocess.run(["git", "-C", str(dest), *args], input=data, capture_output=True, text=True, check=True).stdout.strip()

    leaf = write(["hash-object", "-w", "--stdin"], "x = 1\n")
    tree = write(["mktree"], "".join(f"100644 blob {leaf}\tf{i}.py\n" for i in range(width)))
    for _ in range(levels - 1):
        tree = write(["mktree"], "".join(f"040000 tree {tree}\td{i}\n" for i in range(width)))
    shapes = write(["hash-object", "-w", "--stdin"], (VECTORIZED / "assignments" / "shapes.py").read_text())
    package = write(["mktree"], f"100644 blob {shapes}\tshapes.py\n040000 tree {tree}\tbomb\n")
    top = write(["mktree"], f"040000 tree {package}\tassignments\n")
    commit = write(["commit-tree", top, "-m", "bomb"], "")
    git(dest, "update-ref", "HEAD", commit)
    return dest, commit


def wide_tree(dest: Path, entries: int) -> Path:
    """A repository whose top-level tree lists `entries` files."""
    dest.mkdir(parents=True)
    git(dest, "init", "-q")
    run = lambda args, data: subprocess.run(["git", "-C", str(dest), *args], input=data, capture_output=True,  # noqa: E731
                                            text=True, check=True).stdout.strip()
    leaf = run(["hash-object", "-w", "--stdin"], "x = 1\n")
    top = run(["mktree"], "".join(f"100644 blob {leaf}\tf{i:06d}.txt\n" for i in range(entries)))
    git(dest, "update-ref", "HEAD", run(["commit-tree", top, "-m", "wide"], ""))
    return dest


def corrupt_zip(folder: Path, archive: Path) -> Path:
    """A deflated archive of `folder` with one byte flipped inside a compressed stream."""
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*.py")):
            z.write(path, path.relative_to(folder).as_posix())
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.infolist()[0]
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    archive.write_bytes(bytes(data))
    return archive


def with_fifo(dest: Path, module: str = "pooling") -> Path:
    """The shapes-only submission with a named pipe where assignments/<module>.py would be."""
    good(dest)
    os.mkfifo(dest / "assignments" / f"{module}.py")
    return dest


SURROGATE_SHAPES = '''
def conv2d_output_size(size, kernel, stride=1, pad=0):
    raise ValueError("bad \\udc80 text \\x00 and \\x1b[31mred")


def conv2d_cost(c_in, c_out, kh, kw, h_out, w_out):
    raise ValueError("bad \\udc80 text")
'''


def raises_surrogate(dest: Path) -> Path:
    """A submission whose exceptions carry a lone surrogate, a NUL and an ANSI escape."""
    good(dest)
    (dest / "assignments" / "shapes.py").write_text(SURROGATE_SHAPES)
    return dest
