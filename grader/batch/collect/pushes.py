"""Push logs exported from the forge, and the push whose commit is graded.

A commit's date is set on the student's machine; the forge records when it was pushed. `--pushes
DIR` holds one JSON file per repository, named `<repository folder name>.json` (the name the
gradebook gives the clone: `hw1-alice/` reads `DIR/hw1-alice.json`), as either forge returns it:

- GitHub, `GET /repos/{owner}/{repo}/activity` (e.g. `gh api --paginate --slurp
  repos/ORG/hw1-alice/activity > pushes/hw1-alice.json`): a list of objects with `after` (the sha
  the ref points to afterwards), `before`, `ref` (`refs/heads/main`), `timestamp` and
  `activity_type` (`push`, `force_push`, `branch_creation`, `branch_deletion`, `pr_merge`,
  `merge_queue_merge`).
- GitLab, `GET /projects/:id/events?action=pushed`: a list of objects with `created_at` and
  `push_data` holding `commit_to`, `commit_from`, `ref` (a branch name), `ref_type` (`branch` or
  `tag`) and `action` (`pushed`, `created`, `removed`).

Pages may be given as one list, a list of lists, or several JSON lists one after the other (what
`gh api --paginate` prints without `--slurp`). Deletions, tags and entries without a commit are
left out. Pure functions of the file's text: the bounded reader of a repository calls `choose`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

MAX_LOG_BYTES = 16 << 20
_SHA = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")
_MOVES = {"push", "force_push", "branch_creation", "pr_merge", "merge_queue_merge"}


class PushLogError(ValueError):
    """A push log that cannot be read; the message names the file."""


@dataclass(frozen=True)
class Push:
    sha: str
    when: str  # ISO 8601, UTC
    ref: str  # refs/heads/<branch>
    kind: str  # push, force_push, ...

    def time(self) -> datetime:
        return datetime.fromisoformat(self.when)


def _values(text: str, source: str) -> list[Any]:
    """Every JSON value in `text`, one after another (concatenated pages)."""
    decoder, i = json.JSONDecoder(), 0
    values: list[Any] = []
    while True:
        while i < len(text) and text[i].isspace():
            i += 1
        if i == len(text):
            return values
        try:
            value, i = decoder.raw_decode(text, i)
        except json.JSONDecodeError as exc:
            raise PushLogError(f"{source}: not JSON ({exc})") from None
        values.append(value)


def _items(values: list[Any], source: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for value in values:
        pages = value if isinstance(value, list) and all(isinstance(v, list) for v in value) else [value]
        for page in pages:
            if not isinstance(page, list):
                raise PushLogError(f"{source}: a push log is a JSON list of pushes, as the forge's API returns it")
            items += [item for item in page if isinstance(item, dict)]
    return items


def _utc(text: Any, source: str) -> str:
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        raise PushLogError(f"{source}: {str(text)[:60]!r} is not a time") from None
    if when.tzinfo is None:
        raise PushLogError(f"{source}: the time {str(text)[:60]!r} has no UTC offset")
    return when.astimezone(UTC).isoformat()


def _push(item: dict[str, Any], source: str) -> Push | None:
    if "push_data" in item:  # GitLab
        data = item["push_data"] if isinstance(item["push_data"], dict) else {}
        sha, ref = data.get("commit_to"), data.get("ref")
        if data.get("ref_type") != "branch" or data.get("action") == "removed" or not isinstance(ref, str):
            return None
        ref, kind, when = f"refs/heads/{ref}", str(data.get("action", "pushed")), item.get("created_at")
    elif "activity_type" in item:  # GitHub
        sha, ref, kind, when = item.get("after"), item.get("ref"), str(item["activity_type"]), item.get("timestamp")
        if kind not in _MOVES or not isinstance(ref, str) or not ref.startswith("refs/heads/"):
            return None
    else:
        raise PushLogError(f"{source}: an entry is neither a GitHub activity nor a GitLab push event (keys {', '.join(sorted(item))[:120]})")
    if not isinstance(sha, str) or not _SHA.fullmatch(sha) or set(sha) == {"0"}:
        return None
    return Push(sha, _utc(when, source), ref, kind)


def parse_push_log(text: str, source: str) -> tuple[Push, ...]:
    """The branch pushes of one repository's log, oldest first (equal times keep the log's order)."""
    pushes = [p for item in _items(_values(text, source), source) if (p := _push(item, source)) is not None]
    # Both forges list newest first: among pushes of one second, the one listed first came last.
    order = {id(p): i for i, p in enumerate(pushes)}
    return tuple(sorted(pushes, key=lambda p: (p.time(), -order[id(p)])))


@dataclass(frozen=True)
class Choice:
    push: Push | None
    note: str  # which push was chosen and why, or why none was


def choose(pushes: Sequence[Push], ref: str | None, due: datetime | None, late_until: datetime | None) -> Choice:
    """The push whose commit is graded: the last push to `ref` at or before `due`; without one,
    the last before `late_until` (graded late); without that, none. `ref` None: every branch."""
    mine = [p for p in pushes if ref is None or p.ref == ref]
    where = ref or "any branch"
    if not mine:
        return Choice(None, f"the push log has no push to {where}")
    if due is None:
        return Choice(mine[-1], f"the last push to {where}")
    on_time = [p for p in mine if p.time() <= due]
    later = len(mine) - len(on_time)
    if on_time:
        ignored = f"; {later} later push{'es' if later != 1 else ''} not graded" if later else ""
        return Choice(on_time[-1], f"the last push to {where} by the due date{ignored}")
    late = [p for p in mine if late_until is not None and p.time() <= late_until]
    if late:
        return Choice(late[-1], f"no push to {where} by the due date: the last push within the late period")
    return Choice(None, f"no push to {where} by the due date {due.isoformat()}" + (" or within the late period" if late_until and late_until > due else ""))


def to_wire(pushes: Sequence[Push]) -> list[dict[str, str]]:
    return [{"sha": p.sha, "when": p.when, "ref": p.ref, "kind": p.kind} for p in pushes]


def from_wire(items: Sequence[dict[str, str]]) -> tuple[Push, ...]:
    return tuple(Push(str(i["sha"]), str(i["when"]), str(i["ref"]), str(i["kind"])) for i in items)
