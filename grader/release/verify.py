"""A release checks itself with its own `cli.py check` before it is handed out.

Two runs of the released command line, each in a fresh interpreter inside (a copy of) the
released folder, exactly as a student would start it:

- on the stubs as released: every part must score 0 (a stub that earns a point leaks an answer,
  or a check that cannot fail);
- on a temporary copy with an instructor solution's `assignments/` copied in: every part must
  score full marks (otherwise the release is missing something `check` needs, or grades wrong).

The runs read the per-part scores from the JUnit report `check --junit` writes. The speed checks
are left out by default: they measure this machine's load, which says nothing about the release,
and the timing code itself is the same in every tree.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from grader.parts import BY_NAME

CHECK_SECONDS = 900  # one run of the released check; far above the few seconds it takes
# What the released check may see of the instructor's environment: nothing that changes it.
_KEEP = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


@dataclass(frozen=True)
class PartScore:
    part: str
    score: float
    max_score: float


class VerifyError(Exception):
    """The release failed its own check; the message names the part and the file."""


def run_check(folder: Path, parts: Sequence[str], timing: bool) -> tuple[int, list[PartScore], str]:
    """Run `python cli.py check` in `folder`; (exit status, each part's score, the output's tail)."""
    with tempfile.TemporaryDirectory(prefix="gradelab-verify-") as tmp:
        junit = Path(tmp) / "junit.xml"
        env = {k: v for k, v in os.environ.items() if k in _KEEP}
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # the released folder stays as it was built
        command = [sys.executable, "cli.py", "check", *parts, "--brief", "--no-ci", "--junit", str(junit)]
        if not timing:
            command.append("--no-timing")
        try:
            done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=CHECK_SECONDS)
        except subprocess.TimeoutExpired:
            return -1, [], f"the released check ran past {CHECK_SECONDS} s"
        tail = (done.stdout + done.stderr)[-3000:]
        if not junit.is_file():
            return done.returncode, [], tail
        return done.returncode, part_scores(junit), tail


def part_scores(junit: Path) -> list[PartScore]:
    """Each suite's `score` and `max_score` properties (grader.render.junit); the suite is `<name>.<part>`."""
    scores = []
    for suite in ET.parse(junit).getroot().iter("testsuite"):
        found = suite.find("properties")
        props = {p.get("name"): p.get("value") for p in (found.findall("property") if found is not None else [])}
        part = (suite.get("name") or "").rpartition(".")[2]
        scores.append(PartScore(part, float(props.get("score") or 0), float(props.get("max_score") or 0)))
    return scores


def verify_stubs(release: Path, parts: Sequence[str], timing: bool = False) -> None:
    """The released stubs score 0 on every part of the released check."""
    status, scores, tail = run_check(release, parts, timing)
    _ran(status, scores, parts, "on the released stubs", tail)
    scoring = [s for s in scores if s.score > 0]
    if scoring:
        raise VerifyError(
            "the released stubs score points on the released check: "
            + "; ".join(f"{_file(s.part)} scores {s.score:g} of {s.max_score:g} ({s.part})" for s in scoring)
        )


def verify_solution(release: Path, parts: Sequence[str], solution: Path, timing: bool = False) -> None:
    """A copy of the release with `solution`'s assignments/ scores full marks on every part."""
    with tempfile.TemporaryDirectory(prefix="gradelab-verify-") as tmp:
        copy = Path(tmp) / "release"
        shutil.copytree(release, copy, ignore=shutil.ignore_patterns(".git"))
        others = {BY_NAME[p].module for p in BY_NAME if p not in parts}
        for source in sorted((solution / "assignments").glob("*.py")):
            if source.stem not in others:  # the assignment's modules and their helpers (_convcore.py)
                shutil.copyfile(source, copy / "assignments" / source.name)
        status, scores, tail = run_check(copy, parts, timing)
    _ran(status, scores, parts, f"on the solution {solution}", tail)
    short = [s for s in scores if s.score < s.max_score - 1e-9]
    if short or status != 0:
        detail = "; ".join(f"{_file(s.part)} scores {s.score:g} of {s.max_score:g} ({s.part})" for s in short) or f"exit status {status}"
        raise VerifyError(f"the solution {solution} copied into the release does not score full marks on the released check: {detail}\n{tail}")


def _ran(status: int, scores: list[PartScore], parts: Sequence[str], what: str, tail: str) -> None:
    """The check ran to its report, and reported every part: else the release is broken."""
    missing = [p for p in parts if p not in {s.part for s in scores}]
    if status not in (0, 1) or missing:
        named = f" (no report for {', '.join(_file(p) for p in missing)})" if missing else ""
        raise VerifyError(f"the released check failed to run {what}: exit status {status}{named}\n{tail}")


def _file(part: str) -> str:
    return f"assignments/{BY_NAME[part].module}.py"
