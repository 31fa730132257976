"""Whether `check` runs in CI, and on which forge: the runners say so in their environment."""

from __future__ import annotations

from collections.abc import Mapping

from grader.ci.log import Forge
from grader.render import format_points

ADVISORY = "Advisory: these are the public checks only. Your grade comes from the instructor's run, which adds hidden checks."


def detect_forge(flag: bool | None, environ: Mapping[str, str]) -> Forge | None:
    """GitHub Actions sets GITHUB_ACTIONS=true and GitLab CI sets GITLAB_CI=true; `--ci` forces
    CI mode (GitHub's form, where neither is set) and `--no-ci` turns it off."""
    if flag is False:
        return None
    if _true(environ.get("GITHUB_ACTIONS")):
        return "github"
    if _true(environ.get("GITLAB_CI")):
        return "gitlab"
    return "github" if flag else None


def _true(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1")


def advisory_note(hidden: float, total: float) -> str:
    """ADVISORY, with how many points the hidden checks hold where there are any."""
    if not hidden:
        return ADVISORY
    return ADVISORY[:-1] + f", worth {format_points(hidden)} more points (out of {format_points(total)})."
