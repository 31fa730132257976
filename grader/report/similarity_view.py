"""The similarity section of the report: the pairs with their scores, and for the most similar
ones the two files side by side with the matching lines marked."""

from __future__ import annotations

from html import escape

from grader.report.build import Report
from grader.report.similarity import WINDOW, K, Pair

SIDE_BY_SIDE = 10  # pairs shown in full; the rest are listed
VERDICT = (
    "Similarity is a lead for a person to read, not a verdict: two students may share code for good reasons "
    "(the lecture's formulas, a study group, the same textbook idiom), and a copier may rewrite enough to hide. "
    "Read the matching regions before concluding anything."
)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _code(text: str, regions: tuple[tuple[int, int], ...]) -> str:
    marked = {n for first, last in regions for n in range(first, last + 1)}
    lines = []
    for n, line in enumerate(text.splitlines(), start=1):
        body = f"{n:4} {_e(line)}"
        lines.append(f"<mark>{body}</mark>" if n in marked else body)
    return "<pre>" + "\n".join(lines) + "</pre>"


def _spans(regions: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in regions)


def side_by_side(report: Report, pair: Pair) -> str:
    a = report.sources.get(pair.a, {}).get(pair.module, "")
    b = report.sources.get(pair.b, {}).get(pair.module, "")
    return (
        f'<details class="pair"><summary>{_e(pair.a)} and {_e(pair.b)}, {_e(pair.module)}.py: {pair.score:.0%} '
        f"(matching lines {_e(_spans(pair.regions_a))} and {_e(_spans(pair.regions_b))})</summary>"
        f'<div class="side"><div><strong>{_e(pair.a)}</strong>{_code(a, pair.regions_a)}</div>'
        f"<div><strong>{_e(pair.b)}</strong>{_code(b, pair.regions_b)}</div></div></details>"
    )


def similarity_section(report: Report) -> str:
    s = report.similarity
    out = [f'<p class="note"><strong>{_e(VERDICT)}</strong></p>']
    counts = ", ".join(f"{_e(m)}.py: {s.compared.get(m, 0)} files" for m in s.modules)
    out.append(
        f"<p>Compared per module ({counts or 'no module'}): winnowed fingerprints of {K}-token runs (window {WINDOW}) over tokens that ignore names, "
        f"literals, comments and layout. Code in the baseline <code>{_e(s.baseline)}</code> (the released stubs) never counts, nor does code "
        "shared by more than a tenth of the class (at least 10 submissions). The score is the share of the smaller file's fingerprints "
        "found in the other file.</p>"
    )
    if s.no_baseline:
        out.append(f"<p>No baseline file for {_e(', '.join(s.no_baseline))}: all of its code counts.</p>")
    if s.left_out:
        items = "".join(f"<li>{_e(line)}</li>" for line in s.left_out)
        out.append(f"<details><summary>{len(s.left_out)} submissions not compared</summary><ul>{items}</ul></details>")
    if not s.pairs:
        out.append("<p>No pair of submissions is unusually similar.</p>")
        return "".join(out)
    rows = "".join(
        f'<tr><td class="num">{i}</td><td class="num">{p.score:.0%}</td><td>{_e(p.module)}.py</td><td>{_e(p.a)}</td><td>{_e(p.b)}</td>'
        f'<td class="num">{p.shared}</td><td class="num">{p.share_a:.0%} / {p.share_b:.0%}</td></tr>'
        for i, p in enumerate(s.pairs, start=1)
    )
    out.append(
        '<table class="filterable" id="similar-pairs"><thead><tr><th>#</th><th>score</th><th>module</th><th>submission</th><th>submission</th>'
        f"<th>shared fingerprints</th><th>share of each</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    out += [side_by_side(report, p) for p in s.pairs[:SIDE_BY_SIDE]]
    return "".join(out)
