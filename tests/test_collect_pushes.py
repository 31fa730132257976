"""Push logs from GitHub and GitLab, and the push whose commit is graded."""
from __future__ import annotations

import json
from datetime import datetime

import pytest
from collect_fixtures import github_log, gitlab_log

from grader.batch.collect.pushes import Push, PushLogError, choose, parse_push_log

A, B, C = "a" * 40, "b" * 40, "c" * 40
DUE = datetime.fromisoformat("2026-12-01T23:59:00+00:00")
LATE_UNTIL = datetime.fromisoformat("2026-12-04T23:59:00+00:00")


def test_a_github_activity_log_becomes_branch_pushes_oldest_first():
    log = github_log((A, "2026-11-30T10:00:00Z"), (B, "2026-12-02T10:00:00Z"))

    pushes = parse_push_log(log, "hw1.json")

    assert [(p.sha, p.when, p.ref) for p in pushes] == [
        (A, "2026-11-30T10:00:00+00:00", "refs/heads/main"),
        (B, "2026-12-02T10:00:00+00:00", "refs/heads/main"),
    ]


def test_a_gitlab_push_event_log_names_its_branch_as_a_full_ref():
    pushes = parse_push_log(gitlab_log((A, "2026-11-30T10:00:00.123Z"), branch="trunk"), "hw1.json")

    assert pushes == (Push(A, "2026-11-30T10:00:00.123000+00:00", "refs/heads/trunk", "pushed"),)


def test_deletions_tags_and_other_activities_are_left_out():
    github = json.loads(github_log((A, "2026-11-30T10:00:00Z")))
    github.append({**github[0], "activity_type": "branch_deletion", "after": "0" * 40})
    github.append({**github[0], "ref": "refs/tags/v1", "after": B})
    gitlab = json.loads(gitlab_log((C, "2026-11-30T11:00:00Z")))
    gitlab.append({**gitlab[0], "push_data": {**gitlab[0]["push_data"], "ref_type": "tag", "commit_to": B}})

    assert [p.sha for p in parse_push_log(json.dumps(github), "g.json")] == [A]
    assert [p.sha for p in parse_push_log(json.dumps(gitlab), "l.json")] == [C]


def test_paginated_output_one_list_after_another_or_slurped_is_read_whole():
    first, second = github_log((B, "2026-12-02T10:00:00Z")), github_log((A, "2026-11-30T10:00:00Z"))

    assert [p.sha for p in parse_push_log(first + "\n" + second, "p.json")] == [A, B]
    assert [p.sha for p in parse_push_log(f"[{first}, {second}]", "p.json")] == [A, B]


@pytest.mark.parametrize(
    ("text", "why"),
    [("{not json", "not JSON"), ('{"a": 1}', "JSON list"), ('[{"x": 1}]', "neither a GitHub"),
     (github_log((A, "yesterday")), "is not a time"), (github_log((A, "2026-11-30T10:00:00")), "no UTC offset")],
)
def test_a_malformed_push_log_names_the_file_and_what_is_wrong(text: str, why: str):
    with pytest.raises(PushLogError, match=f"hw1-bob.json: .*{why}"):
        parse_push_log(text, "hw1-bob.json")


def _pushes(*items: tuple[str, str], ref: str = "refs/heads/main") -> tuple[Push, ...]:
    return tuple(Push(s, datetime.fromisoformat(w).isoformat(), ref, "push") for s, w in items)


def test_the_last_push_by_the_due_date_is_graded_and_later_ones_are_not():
    pushes = _pushes((A, "2026-11-30T10:00:00+00:00"), (B, "2026-12-01T23:59:00+00:00"), (C, "2026-12-02T08:00:00+00:00"))

    choice = choose(pushes, "refs/heads/main", DUE, LATE_UNTIL)

    assert choice.push is not None and choice.push.sha == B  # at the due date itself is on time
    assert "1 later push not graded" in choice.note


def test_without_an_on_time_push_the_last_within_the_late_period_is_graded():
    pushes = _pushes((A, "2026-12-02T10:00:00+00:00"), (B, "2026-12-03T10:00:00+00:00"), (C, "2026-12-09T10:00:00+00:00"))

    choice = choose(pushes, "refs/heads/main", DUE, LATE_UNTIL)

    assert choice.push is not None and choice.push.sha == B and "late period" in choice.note


def test_nothing_is_graded_past_the_late_period_or_without_one():
    pushes = _pushes((A, "2026-12-09T10:00:00+00:00"))

    assert choose(pushes, "refs/heads/main", DUE, LATE_UNTIL).push is None
    assert "no push to refs/heads/main by the due date" in choose(pushes, "refs/heads/main", DUE, DUE).note


def test_pushes_to_other_branches_do_not_count_unless_head_is_detached():
    pushes = _pushes((A, "2026-11-30T10:00:00+00:00"), ref="refs/heads/experiment")

    assert choose(pushes, "refs/heads/main", DUE, LATE_UNTIL).push is None
    assert choose(pushes, None, DUE, LATE_UNTIL).push == pushes[0]


def test_of_two_pushes_in_one_second_the_one_the_forge_lists_first_is_the_later():
    log = json.dumps([{"after": B, "ref": "refs/heads/main", "timestamp": "2026-11-30T10:00:00Z", "activity_type": "push"},
                      {"after": A, "ref": "refs/heads/main", "timestamp": "2026-11-30T10:00:00Z", "activity_type": "push"}])

    assert choose(parse_push_log(log, "x.json"), "refs/heads/main", DUE, DUE).push.sha == B  # type: ignore[union-attr]
