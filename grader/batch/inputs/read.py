"""Reading any input form into a `Submission`: what a path is, and the reader for it."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from grader.batch.inputs.archive import read_zip
from grader.batch.inputs.git import read_git
from grader.batch.inputs.read_options import ReadOptions
from grader.batch.inputs.submission import InputError, InputKind, Submission, read_folder


def input_kind(path: Path) -> InputKind:
    """What `path` is, from its type and name; nothing but a folder or a regular file is opened.

    The path itself may be a link (the instructor's choice); what is inside a submission is not followed.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(f"{path} cannot be read ({exc.strerror})") from None
    if stat.S_ISDIR(mode):
        return "git" if os.path.lexists(path / ".git") else "folder"
    if stat.S_ISREG(mode) and path.suffix.lower() == ".zip":
        return "zip"  # a broken archive is still the student's submission: graded 0 with why
    if stat.S_ISREG(mode) and zipfile.is_zipfile(path):
        return "zip"
    raise InputError(f"{path} is not a folder, a .zip archive or a git repository")


def default_name(path: Path, kind: InputKind) -> str:
    """The gradebook name an input gets before it is read: the archive's or the folder's name."""
    path = Path(path)
    return path.name.removesuffix(".zip").removesuffix(".ZIP") if kind == "zip" else path.resolve().name


def read_submission(path: Path, asked: ReadOptions | str | None = None, work: Path | None = None) -> Submission:
    """Any of the three forms; `asked` picks a git repository's commit (a string: the last
    commit by that deadline, ISO 8601) and asks for a snapshot of every file."""
    asked = ReadOptions.deadline(asked) if isinstance(asked, str) else asked or ReadOptions()
    kind = input_kind(path)
    if kind == "zip":
        return read_zip(path, snapshot=asked.snapshot)
    if kind == "git":
        return read_git(path, asked, work)
    return read_folder(path, snapshot=asked.snapshot)
