"""Which commit of a repository is graded, and when it was submitted.

With the forge's push log (`ReadOptions.pushes`): the commit of the last push to the branch HEAD
names at or before the due date, else the last within the late period (`grader.batch.collect.
pushes.choose`); its time is the push's. A pushed commit the clone lacks is a problem, never a
silent fallback. Without a push log: the newest commit by committer date reachable from HEAD at
or before the due date, else before the end of the late period; its time is the commit's date,
which the student's machine set. Without a due date: the last push, or HEAD.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from grader.batch.collect.pushes import choose
from grader.batch.inputs.gitobjects import ObjectStore
from grader.batch.inputs.gittree import Commit, pick_commit, read_commit
from grader.batch.inputs.read_options import ReadOptions


@dataclass(frozen=True)
class Selected:
    commit: Commit
    submitted_at: str  # ISO 8601
    timed_by: str  # "push" or "commit date"
    note: str  # which commit, and why, for the feedback


class NothingToGrade(Exception):
    """No commit qualifies, or the one pushed is missing: the message is the student's feedback."""


def _when(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def select_commit(store: ObjectStore, head: str, branch: str | None, asked: ReadOptions) -> Selected:
    if asked.pushes is not None:
        return _by_push(store, branch, asked)
    return _by_date(store, head, asked)


def _by_push(store: ObjectStore, branch: str | None, asked: ReadOptions) -> Selected:
    assert asked.pushes is not None
    choice = choose(asked.pushes, branch, _when(asked.due), _when(asked.late_until))
    push = choice.push
    if push is None:
        raise NothingToGrade(f"nothing to grade: {choice.note}")
    found = store.info(push.sha)
    if found is None or found[0] != "commit":
        raise NothingToGrade(
            f"the push log says commit {push.sha[:12]} was pushed to {push.ref} at {push.when} ({choice.note}), but the clone does not hold "
            f"that commit: fetch it (git fetch origin {push.sha}) or clone again, then grade again"
        )
    commit = read_commit(store, push.sha)
    return Selected(commit, push.when, "push", f"graded commit {push.sha[:12]}, pushed {push.when} ({choice.note})")


def _by_date(store: ObjectStore, head: str, asked: ReadOptions) -> Selected:
    if asked.due is None:
        at_head = read_commit(store, head)
        return Selected(at_head, at_head.iso(), "commit date", f"graded commit {at_head.oid[:12]} of {at_head.date()} (HEAD)")
    commit: Commit | None = pick_commit(store, head, asked.due)
    why = f"the last before the deadline {asked.due}"
    if commit is None and asked.late_until and asked.late_until != asked.due:
        commit = pick_commit(store, head, asked.late_until)
        why = f"none by the deadline {asked.due}: the last before the end of the late period {asked.late_until}"
    if commit is None:
        late = f" or within the late period (until {asked.late_until})" if asked.late_until and asked.late_until != asked.due else ""
        raise NothingToGrade(f"no commit before the deadline {asked.due}{late}: graded as an empty submission")
    return Selected(commit, commit.iso(), "commit date", f"graded commit {commit.oid[:12]} of {commit.date()} ({why})")
