"""Build a release: collect, guard, write, verify, then hand it over and record it.

The tree is written into a temporary folder beside OUT_DIR and moved there only once the leak
guard and both verification runs have passed, so a failed release leaves nothing a student could
be given. The instructor's record of it (`grader.release_manifest.write_record`) is written last.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from grader.batch.fingerprint import grader_version
from grader.ci.workflows import GITHUB_WORKFLOW_PATH, GITLAB_CI_PATH, github_workflow, gitlab_ci
from grader.course import Assignment
from grader.engine.plan import plan_part
from grader.options import GradeOptions
from grader.parts import BY_NAME
from grader.release import guard, student_files, tree, verify
from grader.release_manifest import MANIFEST, Manifest, release_id, sha256_file, write_record

# The first commit's identity, so --git needs no git configuration on the instructor's machine.
GIT_IDENTITY = {"GIT_AUTHOR_NAME": "gradelab release", "GIT_AUTHOR_EMAIL": "gradelab@localhost"}


class ReleaseError(Exception):
    """The release was refused; the message names the file (and the part) at fault."""


@dataclass(frozen=True)
class Request:
    out: Path
    assignment: Assignment
    root: Path  # the instructor's repository: grader, reference, assignments, solutions
    records: Path
    solution: Path
    git: bool = False
    timing: bool = False  # the verification runs' speed checks (see grader.release.verify)


def release(req: Request) -> tuple[Manifest, Path]:
    """Build, check and hand over the release; (its manifest, the instructor's record of it)."""
    out = req.out
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReleaseError(f"{out}: already exists and is not an empty folder; a release writes a new folder")
    if not (req.solution / "assignments").is_dir():
        raise ReleaseError(f"{req.solution}: no assignments/ folder; the release copies a solution's assignments/ in to verify itself")
    parts = req.assignment.parts
    files = collect(req.root, req.assignment)
    leaks = guard.find_leaks(files, guard.solution_bodies(req.root))
    if leaks:
        raise ReleaseError("a released file holds an instructor solution:\n" + "\n".join(leak.describe() for leak in leaks))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp's 0700 would follow the folder to OUT_DIR
    try:
        write_tree(staging, files)
        manifest = manifest_of(staging, req.assignment, req.root)
        (staging / MANIFEST).parent.mkdir(parents=True, exist_ok=True)
        (staging / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
        try:
            verify.verify_stubs(staging, parts, req.timing)
            verify.verify_solution(staging, parts, req.solution, req.timing)
        except verify.VerifyError as exc:
            raise ReleaseError(str(exc)) from None
        if out.exists():
            out.rmdir()
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    record = write_record(req.records, manifest)  # before git: a failed commit leaves a valid, recorded release
    if req.git:
        git_commit(out, manifest)
    return manifest, record


def collect(root: Path, assignment: Assignment) -> dict[str, bytes]:
    """Every file of the release but its manifest, path -> bytes."""
    totals, hidden = part_points(assignment)
    return {
        **tree.grader_files(root, assignment.parts),
        **tree.stub_files(root, assignment.parts),
        "cli.py": (root / "cli.py").read_bytes(),
        "README.md": student_files.readme(assignment, totals, hidden).encode(),
        "pyproject.toml": student_files.pyproject(assignment, root).encode(),
        ".python-version": student_files.python_version().encode(),
        ".gitignore": student_files.gitignore().encode(),
        GITHUB_WORKFLOW_PATH: github_workflow().encode(),
        GITLAB_CI_PATH: gitlab_ci().encode(),
    }


def part_points(assignment: Assignment) -> tuple[dict[str, float], dict[str, float]]:
    """Each part's total and its hidden checks' share, with the speed checks, as `grade` runs."""
    options = GradeOptions(visibility=("public", "hidden"), part_points=tuple(assignment.points.items()))
    totals, hidden = {}, {}
    for name in assignment.parts:
        planned = plan_part(BY_NAME[name], options)
        totals[name] = round(sum(p.points for p in planned), 6)
        hidden[name] = round(sum(p.points for p in planned if p.hidden), 6)
    return totals, hidden


def write_tree(folder: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if rel == "cli.py":
            path.chmod(0o755)


def manifest_of(folder: Path, assignment: Assignment, root: Path) -> Manifest:
    """The manifest of the tree in `folder`: a sha256 of every file but the editable ones."""
    editable = student_files.editable(assignment.parts)
    hashes = {p.relative_to(folder).as_posix(): sha256_file(p) for p in sorted(folder.rglob("*")) if p.is_file()}
    hashes.pop(MANIFEST, None)
    files = {k: v for k, v in hashes.items() if k not in editable}
    totals, _ = part_points(assignment)
    return Manifest(
        release=release_id(assignment.name, files, {k: hashes[k] for k in editable}),
        assignment=assignment.name,
        parts=assignment.parts,
        points=totals,
        due=assignment.due.isoformat() if assignment.due else None,
        late=assignment.late.describe(),
        grader=grader_version(root),
        created=datetime.now(UTC).isoformat(timespec="seconds"),
        editable=editable,
        files=files,
        scaled=dict(assignment.points),
    )


def git_commit(folder: Path, manifest: Manifest) -> None:
    """`git init` and a first commit of everything, so the folder can be pushed as a template."""
    identity = {**GIT_IDENTITY, "GIT_COMMITTER_NAME": GIT_IDENTITY["GIT_AUTHOR_NAME"], "GIT_COMMITTER_EMAIL": GIT_IDENTITY["GIT_AUTHOR_EMAIL"]}
    env = {**os.environ, **identity}
    quiet = ["-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", "-c", "core.hooksPath=/dev/null"]
    message = f"Release {manifest.release} of assignment {manifest.assignment}"
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", message]):
        done = subprocess.run(["git", *quiet, *args], cwd=folder, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise ReleaseError(f"{folder}: git {args[0]} failed: {done.stderr.strip()}")
