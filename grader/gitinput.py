"""A git repository as a submission: graded at HEAD, or at the last commit before a deadline.

A folder of GitHub Classroom clones is graded as cloned: `git rev-list -1 --before=DEADLINE
HEAD` picks the commit by committer date (set on the student's machine: git does not record
when a commit was pushed), `git ls-tree` lists its files and `git archive` exports only the ones
graded, read in memory. The working tree is never looked at: uncommitted edits are not graded.
"""
from __future__ import annotations

import io
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

from grader.inputs import (
    MAX_ENTRIES,
    MAX_FILE_BYTES,
    Submission,
    content_hash,
    graded_paths,
    problem_submission,
    read_bounded,
    safe_name,
)

# `safe.directory=*`: clones made by another user (a CI checkout, a shared drive) are still read.
# No hooks and no fsmonitor: reading a repository must never run a command it configures.
_GIT = ["git", "-c", "safe.directory=*", "-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false"]
_TIMEOUT = 120.0


class GitError(Exception):
    pass


def _git(repo: Path, *args: str) -> bytes:
    env = {"PATH": "/usr/bin:/bin:/usr/local/bin", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "HOME": "/nonexistent"}
    proc = subprocess.run([*_GIT, "-C", str(repo), *args], capture_output=True, timeout=_TIMEOUT, env=env)
    if proc.returncode != 0:
        raise GitError(proc.stderr.decode("utf-8", "replace").strip() or f"git {args[0]} failed")
    return proc.stdout


def pick_commit(repo: Path, deadline: str | None) -> str | None:
    """HEAD's commit, or the last one committed before `deadline`; None when there is none."""
    if deadline is None:
        return _git(repo, "rev-parse", "--verify", "HEAD^{commit}").decode().strip()
    out = _git(repo, "rev-list", "-1", f"--before={deadline}", "HEAD").decode().strip()
    return out or None


def _tree(repo: Path, commit: str) -> dict[str, int]:
    """Regular files of the commit -> size; links (120000) and submodules (160000) are left out."""
    files: dict[str, int] = {}
    for line in _git(repo, "ls-tree", "-r", "-l", "-z", commit).split(b"\0"):
        if not line:
            continue
        meta, path = line.split(b"\t", 1)
        mode, kind, _sha, size = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            files[path.decode("utf-8", "replace")] = int(size)
    return files


def _export(repo: Path, commit: str, paths: list[str]) -> dict[str, bytes]:
    if not paths:
        return {}
    tar = _git(repo, "archive", "--format=tar", commit, "--", *paths)
    out: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        for member in archive.getmembers():
            if member.isfile() and member.name in paths:
                f = archive.extractfile(member)
                if f is not None:
                    out[member.name] = f.read(MAX_FILE_BYTES + 1)
    return out


def read_git(path: Path, deadline: str | None) -> Submission:
    """The repository at the chosen commit; no commit to grade is a problem, not an exception."""
    repo = Path(path)
    name = repo.resolve().name
    try:
        commit = pick_commit(repo, deadline)
    except GitError as exc:
        return problem_submission(name, repo, "git", f"the repository has no commit to grade ({exc.args[0].splitlines()[0]})")
    if commit is None:
        return problem_submission(name, repo, "git", f"no commit before the deadline {deadline}: graded as an empty submission")
    try:
        sizes = _tree(repo, commit)
        if len(sizes) > MAX_ENTRIES:
            return problem_submission(name, repo, "git", f"commit {commit[:12]} holds more than {MAX_ENTRIES} files", revision=commit)
        kept, notes = graded_paths(sizes)
        exported = _export(repo, commit, [p for p in kept if sizes[p] <= MAX_FILE_BYTES])
        files, more = read_bounded(kept, lambda p: sizes[p], lambda p: exported[p])
        when = _git(repo, "log", "-1", "--format=%ci", commit).decode().strip()
    except (GitError, tarfile.TarError, KeyError, ValueError, subprocess.TimeoutExpired) as exc:
        return problem_submission(name, repo, "git", f"the repository could not be read at {commit[:12]} ({exc})", revision=commit)
    chosen = f"graded commit {commit[:12]} of {when}" + (f" (the last before the deadline {deadline})" if deadline else " (HEAD)")
    return Submission(safe_name(name), str(path), "git", files, content_hash(files), commit, notes=(chosen, *notes, *more))


def parse_deadline(text: str) -> str:
    """ "2026-12-01 23:59" (local time) or any ISO 8601 time -> ISO 8601 with its UTC offset.

    git reads many date forms and guesses at the rest; an explicit offset leaves it nothing to guess.
    """
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{text!r} is not a date and time such as \"2026-12-01 23:59\"") from None
    if when.tzinfo is None:
        when = when.astimezone()  # a naive time is the grader's local time
    return when.isoformat()
