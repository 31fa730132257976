"""What a hidden check may say: a fixed sentence per outcome, and nothing the student wrote.

A hidden check's message is built here and nowhere else. Student code chooses its exception
texts, its prints and which forbidden module it tries, so any of those in a hidden check's
output would be a channel for the hidden inputs it was called with; a fixed text is not.
"""

from __future__ import annotations

from grader.results import Outcome

MESSAGES: dict[Outcome, str] = {
    "passed": "passed on the hidden cases",
    "failed": (
        "fails a hidden case (wrong values, an exception, or a call that did not finish); "
        "hidden inputs and messages are never shown: the public checks and `check` test the same behaviour"
    ),
    "error": "could not be graded on the hidden cases",
    "skipped": "not counted",
}
NOT_GRADED = "scores 0: this part could not be graded (see its public checks)"
FORBIDDEN = "scores 0: the code tried a forbidden import while the hidden checks ran"


# Every text a hidden check may carry.
FIXED = frozenset({*MESSAGES.values(), NOT_GRADED, FORBIDDEN})


def message(outcome: Outcome) -> str:
    return MESSAGES[outcome]
