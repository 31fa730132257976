"""Reading a batch's inputs, each in a child process under time and memory bounds.

An input is the student's: a zip that inflates forever, a git tree bomb, a FIFO where a module
should be or a file on a hung mount must cost that input alone. So the batch never reads one
itself. Each is read by a fresh interpreter (`python -m grader.batch.inputs.bounded`) that imports only the
input readers, limits its own address space (git, below it, inherits the limit) and sends the
`Submission` back as JSON. A child that runs past its time is killed with its process group; one
that fails in any way becomes a problem submission for that input, graded 0 with why. Git's
private repository lives in a folder the parent makes and removes, so a killed child leaves
nothing behind.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from grader.batch.inputs.read import default_name, input_kind, read_submission
from grader.batch.inputs.read_options import ReadOptions
from grader.batch.inputs.snapshot import Snapshot
from grader.batch.inputs.submission import InputError, Submission, problem_submission
from grader.paths import REPO
from grader.text import clean_line

ROOT = REPO
READ_SECONDS = 60.0  # at most; a shorter --timeout bounds reading too
ADDRESS_SPACE = 1 << 30  # the child and its git: enough for 8 MiB of files, not for a bomb
MAX_REPLY = 64 << 20  # 8 MiB of files, base64'd, and their notes


def to_json(s: Submission) -> dict[str, Any]:
    return {
        "name": s.name,
        "source": s.source,
        "kind": s.kind,
        "content_hash": s.content_hash,
        "revision": s.revision,
        "problem": s.problem,
        "notes": list(s.notes),
        "files": {p: base64.b64encode(d).decode() for p, d in s.files.items()},
        "snapshot": None if s.snapshot is None else s.snapshot.to_wire(),
        "submitted_at": s.submitted_at,
        "timed_by": s.timed_by,
    }


def from_json(d: dict[str, Any]) -> Submission:
    files = {str(p): base64.b64decode(data) for p, data in d["files"].items()}
    return Submission(
        str(d["name"]),
        str(d["source"]),
        d["kind"],
        files,
        str(d["content_hash"]),
        str(d["revision"]),
        str(d["problem"]),
        tuple(str(n) for n in d["notes"]),
        snapshot=None if d.get("snapshot") is None else Snapshot.from_wire(d["snapshot"]),
        submitted_at=str(d.get("submitted_at", "")),
        timed_by=str(d.get("timed_by", "")),
    )


def _child_main() -> None:
    """In the child: limits first, then read the input named on stdin, reply on stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    request = json.loads(sys.stdin.read())
    path, asked, work = Path(request["path"]), ReadOptions.from_wire(request["asked"]), Path(request["work"])
    sys.stdout.write(json.dumps(to_json(read_submission(path, asked, work))))


def _problem(path: Path, kind: Any, why: str) -> Submission:
    return problem_submission(default_name(path, kind), path, kind, f"{path.name} could not be read: {why}; it was not graded")


def read_bounded_input(path: Path, asked: ReadOptions | str | None, seconds: float = READ_SECONDS, work_dir: Path | None = None) -> Submission:
    """One input read in a child; InputError when it is none of the three forms (a usage error).
    `asked`: which commit and whether to hash every file (a string: a deadline, ISO 8601)."""
    path = Path(path)
    asked = ReadOptions.deadline(asked) if isinstance(asked, str) else asked or ReadOptions()
    kind = input_kind(path)
    work = Path(tempfile.mkdtemp(prefix="gradelab-read-", dir=work_dir))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    request = json.dumps({"path": str(path.absolute()), "asked": asked.to_wire(), "work": str(work), "kind": kind})
    try:
        proc = subprocess.Popen(
            [sys.executable, "-S", "-m", "grader.batch.inputs.bounded"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=str(ROOT),
            env=env,
            process_group=0,
        )
        try:
            out, err = proc.communicate(request.encode(), timeout=seconds)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            return _problem(path, kind, f"reading it took longer than {seconds:g} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if proc.returncode != 0 or len(out) > MAX_REPLY:
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        why = "it needed more memory than allowed" if "MemoryError" in last[0] else last[0]
        return _problem(path, kind, f"the reader stopped ({why})")
    try:
        return from_json(json.loads(out))
    except (ValueError, KeyError, TypeError) as exc:
        return _problem(path, kind, f"the reader's reply was malformed ({exc})")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.communicate()


def read_inputs(
    paths: Sequence[Path], asked: Mapping[Path, ReadOptions] | ReadOptions | str | None, seconds: float, jobs: int, work_dir: Path | None = None
) -> tuple[list[Submission], list[str]]:
    """(submissions in input order, warnings for inputs that are not submissions). `asked`: the
    same for every input, or per input path (a path it does not name gets the defaults)."""

    def one(path: Path) -> Submission | str:
        mine = asked.get(path) if isinstance(asked, Mapping) else asked
        try:
            return read_bounded_input(path, mine, seconds, work_dir)
        except InputError as exc:
            return f"skipped {clean_line(str(exc), 1000)}"  # a file name from the class folder

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        read = list(pool.map(one, paths))
    return [r for r in read if isinstance(r, Submission)], [r for r in read if isinstance(r, str)]


if __name__ == "__main__":
    _child_main()
