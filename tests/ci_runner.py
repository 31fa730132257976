"""How a GitHub runner reads a job's log: which lines act as workflow commands."""

from __future__ import annotations


def command(line: str) -> tuple[str, str] | None:
    """(name, data) of the command a GitHub runner reads in `line`, as actions/runner's
    ActionCommand parses it: `::name props::data` after leading whitespace, or `##[name props]data`
    anywhere in the line. Any name counts here (the runner only knows some: stricter)."""
    stripped = line.lstrip()
    if stripped.startswith("::") and (end := stripped.find("::", 2)) >= 0:
        return stripped[2:end].split(" ")[0], stripped[end + 2 :]
    if (start := line.find("##[")) >= 0 and (end := line.find("]", start)) >= 0:
        return line[start + 3 : end].split(" ")[0], line[end + 1 :]
    return None


def acted(log: str) -> list[str]:
    """The lines a GitHub runner acts on, honouring ::stop-commands::TOKEN ... ::TOKEN::."""
    lines, token = [], None
    for line in log.splitlines():
        if (found := command(line)) is None:
            continue
        name, data = found
        if token is not None:
            if name.lower() == token.lower():
                lines.append(line)
                token = None
            continue
        if name == "stop-commands":
            token = data
        lines.append(line)
    return lines
