"""Grading a hostile submission and recording what it left behind.

A hostile submission is the vectorized solution with one module replaced by
tests/hostile/<name>/assignments/<module>.py. That module reaches the correct code through
`_<module>_ok.py`, a copy of the vectorized module placed next to it here, so each fixture holds
the attack and nothing else.

`grade_hostile` grades it inside an `Arena`: the working directory is a fresh output folder,
$HOME and a few other variables point to fresh folders, and the grader's temporary files go to a
work folder of the test's own. Afterwards it records the processes of the submission still
alive, heartbeats still being written, and the forged files (`MARKER` inside) that appeared, each
classed as temporary (under the temp folder) or escaped (the output folder, a home, a folder
named in the environment, the repository, or anywhere outside the temp folder). Then it cleans
up: it kills those processes, by pid, and deletes those files.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import pytest
from conftest import NO_TIMING, REPO, VECTORIZED, grade, variant

from grader.options import GradeOptions
from grader.results import SubmissionResult

HOSTILE = Path(__file__).resolve().parent / "hostile"
MARKER = b"gradelab-hostile-forgery"  # in every file a hostile module writes
FORGED_NAMES = ("results.json", "grades.csv", "gradebook.sqlite")
HEARTBEAT = "gl-daemon.heartbeat"
MARKED_COMMS = ("gl-daemon",)  # what a hostile process renames itself to
LIMIT_SECONDS = 30.0  # one hostile submission's batch, its hangs and restarts included
SETTLE_SECONDS = 1.0  # how long a killed worker may take to disappear
HEARTBEAT_WAIT = 1.0  # a live daemon beats five times in this
# Student-originated text must reach a result inert: no ANSI escapes, no control characters.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ENV_FOLDERS = ("GRADELAB_OUT", "GRADEBOOK_DIR", "RESULTS_DIR", "XDG_DATA_HOME")


@dataclass(frozen=True)
class Proc:
    pid: int
    comm: str
    state: str
    cmdline: str


def processes() -> list[Proc]:
    """Every process in /proc, read without psutil; ones that exit while being read are skipped."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        # comm (field 2) may hold spaces and parentheses: it ends at the last ")".
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state = stat[stat.rindex(")") + 2 :].split()[0]
        found.append(Proc(int(entry), comm, state, cmdline))
    return found


def submission_processes(marker: str, before: set[int]) -> list[Proc]:
    """Live processes started since `before` that name `marker` (the test's temp path) on their
    command line or renamed themselves to a hostile name. Zombies are dead already."""
    return [
        p for p in processes()
        if p.pid not in before and p.state not in ("Z", "X") and (marker in p.cmdline or p.comm in MARKED_COMMS)
    ]


def _kill(procs: Iterable[Proc]) -> None:
    for p in procs:
        try:
            os.kill(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@dataclass(frozen=True)
class Arena:
    """The grading environment: cwd is `out`, $HOME is `home`, ENV_FOLDERS name fresh folders."""

    tmp: Path
    out: Path
    home: Path
    env_folders: tuple[Path, ...]
    real_home: Path
    work: Path

    @staticmethod
    def enter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Arena:
        real_home = Path.home()
        folders = {name: tmp_path / "env" / name.lower() for name in ENV_FOLDERS}
        arena = Arena(tmp_path, tmp_path / "out", tmp_path / "home", tuple(folders.values()), real_home, tmp_path / "work")
        for folder in (arena.out, arena.home, arena.work, *arena.env_folders):
            folder.mkdir(parents=True)
        monkeypatch.chdir(arena.out)
        monkeypatch.setenv("HOME", str(arena.home))
        for name, folder in folders.items():
            monkeypatch.setenv(name, str(folder))
        return arena

    def guarded(self) -> list[Path]:
        """Folders a forged file must never reach (searched recursively)."""
        return [self.out, self.home, *self.env_folders]

    def searched(self) -> list[Path]:
        """Folders searched one level deep (and their out/ subfolder) for forged files: every
        place the forging fixture aims at, outside the guarded ones."""
        temp = Path(tempfile.gettempdir()).resolve()
        folders = {REPO, REPO / "grader", REPO / "tests", self.real_home, temp, Path("/"), *REPO.parents, *self.tmp.parents}
        folders |= set(_environment_folders())
        folders |= {p for p in self.tmp.rglob("*") if p.is_dir() and not any(g in p.parents or g == p for g in self.guarded())}
        return sorted(folders)

    def is_temporary(self, path: Path) -> bool:
        path = path.resolve()
        guarded = any(g.resolve() == path or g.resolve() in path.parents for g in self.guarded())
        return not guarded and Path(tempfile.gettempdir()).resolve() in path.parents


def _environment_folders() -> list[Path]:
    """Folders named in this process's environment as it started (what /proc/<pid>/environ
    shows a child, whatever monkeypatch changed since)."""
    try:
        raw = Path("/proc/self/environ").read_bytes()
    except OSError:
        return []
    values = (item.partition(b"=")[2].decode("utf-8", "replace") for item in raw.split(b"\0"))
    return [Path(v) for v in values if v.startswith("/") and os.path.isdir(v)]


def _marked(path: Path) -> bool:
    try:
        return path.is_file() and not path.is_symlink() and MARKER in path.read_bytes()[: 1 << 20]
    except OSError:
        return False


def forged_files(arena: Arena, also: Iterable[Path] = ()) -> set[Path]:
    """Files holding MARKER in the folders the forging fixture aims at (`also`: paths it reported)."""
    candidates: set[Path] = set(also)
    for folder in arena.guarded():
        candidates |= {p for p in folder.rglob("*")}
    for folder in arena.searched():
        for base in (folder, folder / "out"):
            candidates |= {base / name for name in (*FORGED_NAMES, HEARTBEAT)}
    return {p for p in candidates if _marked(p)}


def _reported_paths(stdout: str) -> list[Path]:
    """The paths the forging fixture says it wrote (it prints a Python list of them)."""
    return [Path(p) for p in re.findall(r"'(/[^']+)'", stdout)]


def hostile_submission(tmp_path: Path, name: str, extra: dict[str, str] | None = None) -> Path:
    """The vectorized solution with tests/hostile/<name>'s one module in place, its correct
    version beside it as _<module>_ok.py, and `extra` files (module name -> source)."""
    (module_file,) = (HOSTILE / name / "assignments").glob("*.py")
    module = module_file.stem
    root = variant(tmp_path, module, module_file.read_text(), name=f"submission-{name}")
    pkg = root / "assignments"
    shutil.copyfile(VECTORIZED / "assignments" / f"{module}.py", pkg / f"_{module}_ok.py")
    for mod, source in (extra or {}).items():
        (pkg / f"{mod}.py").write_text(source)
    return root


@dataclass(frozen=True)
class Run:
    """One hostile submission graded, and what it left behind (already cleaned up)."""

    result: SubmissionResult
    seconds: float
    leftovers: tuple[Proc, ...]  # its processes still alive SETTLE_SECONDS after grading
    late_heartbeats: tuple[Path, ...]  # heartbeats written after grading was over
    forged: tuple[Path, ...]  # every forged file found
    escaped: tuple[Path, ...]  # those outside the temporary folders

    def describe(self) -> str:
        return (
            f"sandbox={self.result.sandbox}; leftovers={[(p.pid, p.comm) for p in self.leftovers]}; "
            f"late heartbeats={[str(p) for p in self.late_heartbeats]}; escaped={[str(p) for p in self.escaped]}; "
            f"temporary={[str(p) for p in self.forged if p not in self.escaped]}"
        )


def grade_hostile(
    arena: Arena, name: str, parts: list[str], options: GradeOptions = NO_TIMING, extra: dict[str, str] | None = None
) -> Run:
    src = hostile_submission(arena.tmp, name, extra)
    marker = str(arena.tmp)
    before_pids = {p.pid for p in processes()}
    for stale in forged_files(arena):  # left by an earlier run that was cut short: ours to remove
        stale.unlink()
    start = time.monotonic()
    result = grade(src, parts, replace(options, work_dir=arena.work))
    seconds = time.monotonic() - start
    leftovers: list[Proc] = []
    forged: set[Path] = set()
    try:
        deadline = time.monotonic() + SETTLE_SECONDS
        leftovers = submission_processes(marker, before_pids)
        while leftovers and time.monotonic() < deadline:
            time.sleep(0.05)
            leftovers = submission_processes(marker, before_pids)
        beats = {p: p.stat().st_mtime_ns for p in forged_files(arena) if p.name == HEARTBEAT}
        if beats:
            time.sleep(HEARTBEAT_WAIT)
        late = tuple(p for p, mtime in beats.items() if p.exists() and p.stat().st_mtime_ns != mtime)
        forged = forged_files(arena, _reported_paths(result.stdout))
        escaped = tuple(sorted(p for p in forged if not arena.is_temporary(p)))
        return Run(result, seconds, tuple(leftovers), late, tuple(sorted(forged)), escaped)
    finally:
        _kill(submission_processes(marker, before_pids))
        for path in forged:
            path.unlink(missing_ok=True)


def assert_scores(result: SubmissionResult, zeroed: Iterable[str] = ()) -> None:
    """Checks of the `zeroed` functions score 0; every other check scores full marks."""
    zeroed = set(zeroed)
    wrong = [
        f"{c.name}: {c.score}/{c.max_score} ({c.outcome}: {c.headline})"
        for c in result.checks
        if (c.function in zeroed and c.score != pytest.approx(0.0, abs=1e-12))
        or (c.function not in zeroed and c.score != pytest.approx(c.max_score, abs=1e-9))
    ]
    assert not wrong, f"expected 0 for {sorted(zeroed)} and full marks elsewhere; got:\n" + "\n".join(wrong)
    assert result.score <= result.max_score + 1e-9


def assert_inert(result: SubmissionResult) -> None:
    """No ANSI escape or other control character in anything the result shows."""
    texts = {"stdout": result.stdout, **{f"warning {i}": w for i, w in enumerate(result.warnings)}}
    for part in result.parts:
        texts[f"{part.part} error"] = part.error or ""
        for c in part.checks:
            texts[c.name] = c.message
            if c.counterexample is not None:
                texts[c.name + " counterexample"] = c.counterexample.summary
    bad = {where: CONTROL.findall(text) for where, text in texts.items() if CONTROL.search(text)}
    assert not bad, f"control characters reached the result: {bad}"


def assert_contained(run: Run, limit: float = LIMIT_SECONDS) -> None:
    """The batch ended in time, left no process, wrote nothing outside temp, shows inert text."""
    assert run.seconds < limit, f"grading took {run.seconds:.1f} s (limit {limit:g} s)"
    assert not run.leftovers, f"processes left behind: {[(p.pid, p.comm, p.cmdline[:120]) for p in run.leftovers]}"
    assert not run.late_heartbeats, f"a daemon still writes after grading: {run.describe()}"
    assert not run.escaped, f"forged files outside the temporary folders: {run.describe()}"
    assert_inert(run.result)
