"""The report as one self-contained HTML page: inline CSS, inline SVG plots, no external
resource, readable without JavaScript (a small inline script only adds filter boxes to tables).
A rendering of `grader.report.build.Report`: nothing here counts or decides anything."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from grader.render import format_points
from grader.report import plots
from grader.report.build import Report
from grader.report.similarity_view import similarity_section
from grader.report.stats import Ratio, Stats

STYLE = """
body{font-family:system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#222;line-height:1.4}
h1{font-size:1.6em}h2{border-bottom:2px solid #ddd;padding-top:.6em}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.9em}
th,td{border:1px solid #ddd;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
.plots{display:flex;flex-wrap:wrap;gap:1em}.plots svg{max-width:100%;height:auto}
.bar{display:inline-block;height:.8em;background:#4c78a8;vertical-align:middle}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em 1em}
.side{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:.5em}.side>div{min-width:0}
.side pre{font-size:.75em;overflow-x:auto;border:1px solid #ddd;padding:.3em;margin:0}
mark{background:#ffe08a}nav a{margin-right:1em}input.filter{margin:.3em 0;padding:.2em;width:20em}
small,.dim{color:#666}
"""

# Progressive: without JavaScript the tables are all there; with it, each gets a filter box.
SCRIPT = """
document.querySelectorAll('table.filterable').forEach(function (table) {
  var box = document.createElement('input');
  box.className = 'filter'; box.type = 'search'; box.placeholder = 'filter rows';
  box.addEventListener('input', function () {
    var q = box.value.toLowerCase();
    table.querySelectorAll('tbody tr').forEach(function (row) {
      row.style.display = row.textContent.toLowerCase().indexOf(q) >= 0 ? '' : 'none';
    });
  });
  table.parentNode.insertBefore(box, table);
});
"""

SECTIONS = (
    ("overview", "Overview"),
    ("checks", "Checks"),
    ("mistakes", "Common mistakes"),
    ("speed", "Speed"),
    ("flags", "Flags"),
    ("similarity", "Similarity"),
)


def e(value: object) -> str:
    return escape(str(value), quote=True)


def table(head: Sequence[str], rows: Iterable[Sequence[str]], filterable: bool = False, numeric: Sequence[int] = ()) -> str:
    """Cells are HTML already (escaped by the caller)."""
    cls = ' class="filterable"' if filterable else ""
    th = "".join(f"<th>{e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows)
    return f"<table{cls}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def names(items: Sequence[str], shown: int = 30) -> str:
    more = f" … and {len(items) - shown} more" if len(items) > shown else ""
    return e(", ".join(items[:shown])) + more


def overview_section(stats: Stats) -> str:
    o = stats.overview
    t = o.total
    lines = [
        f"<p><strong>{o.submissions}</strong> submissions. Total (raw, before late penalties) out of {format_points(o.max_score)}: "
        f"median <strong>{format_points(t.median)}</strong>, quartiles {format_points(t.q1)} and {format_points(t.q3)}, "
        f"range {format_points(t.minimum)} to {format_points(t.maximum)}, mean {t.mean:.4g}.</p>",
        '<div class="plots">',
        plots.histogram("totals", o.totals, o.max_score, "total points", "Totals"),
    ]
    lines += [plots.histogram(f"part-{p.part}", p.scores, p.max_score, "points", f"{p.part} (out of {format_points(p.max_score)})") for p in o.parts]
    lines.append("</div>")
    rows = [
        (
            e(p.part),
            format_points(p.max_score),
            format_points(p.summary.q1),
            format_points(p.summary.median),
            format_points(p.summary.q3),
            format_points(p.summary.mean),
        )
        for p in o.parts
    ]
    lines.append(table(("part", "max", "q1", "median", "q3", "mean"), rows, numeric=(1, 2, 3, 4, 5)))
    return "".join(lines)


def checks_section(stats: Stats) -> str:
    rows = [
        (
            f"{c.rate:.0%} " + f'<span class="bar" style="width:{c.rate * 60:.0f}px"></span>',
            e(c.part),
            e(c.name),
            e(c.kind),
            e(c.visibility),
            f"{c.passed}/{c.graded}",
            str(c.failed),
            str(c.skipped),
            format_points(c.max_score),
        )
        for c in stats.checks
    ]
    return "<p>Every check's pass rate across the class, hardest first; hidden checks included.</p>" + table(
        ("pass rate", "part", "check", "kind", "visibility", "passed", "failed", "not counted", "points"), rows, filterable=True, numeric=(5, 6, 7, 8)
    )


def _mistake(key: str, text: str) -> str:
    """The hint, and the diagnosis's key where it has one (a row stored before keys has only text)."""
    return e(text) if key == text else f"{e(text)} <code>{e(key)}</code>"


def mistakes_section(stats: Stats) -> str:
    out = ['<p>The mistakes the grader names in failing checks\' feedback ("likely mistake: …"), most common first.</p>']
    rows = [(str(m.count), _mistake(m.key, m.text), e(", ".join(m.parts)), e("; ".join(m.checks)), names(m.submissions)) for m in stats.mistakes]
    out.append(table(("submissions", "likely mistake", "part", "checks", "who"), rows, filterable=True, numeric=(0,)) if rows else "<p>No named mistakes.</p>")
    out.append(
        "<h3>Failures without a named mistake</h3><p>Grouped by failing check and by the shape of the shrunk failing input: "
        "the mistakes the grader does not name yet.</p>"
    )
    rows = [(str(len(u.submissions)), e(u.part), e(u.name), e(u.inputs), names(u.submissions)) for u in stats.undiagnosed]
    out.append(table(("submissions", "part", "check", "failing input", "who"), rows, filterable=True, numeric=(0,)) if rows else "<p>None.</p>")
    return "".join(out)


def speed_section(stats: Stats) -> str:
    if not stats.speed:
        return "<p>No timing checks were measured (graded with --no-timing, or every timed function failed first).</p>"
    out = ["<p>Student time over reference time per timed function, against its limit (a stopped call's ratio is a lower bound).</p>", '<div class="plots">']
    out += [plots.ratios(f"speed-{s.check}", [r.ratio for r in s.ratios if r.ratio is not None], s.limit, s.function) for s in stats.speed]
    out.append("</div>")
    rows = [
        (e(s.part), e(s.function), f"{s.limit:g}x", str(len(s.ratios)), f"{s.summary.median:.2f}x", f"{s.summary.maximum:.1f}x", str(s.over))
        for s in stats.speed
    ]
    out.append(table(("part", "function", "limit", "timed", "median", "slowest", "failed"), rows, numeric=(2, 3, 4, 5, 6)))
    slow = [(e(r.submission), e(s.function), e(_ratio(r))) for s in stats.speed for r in s.ratios if r.outcome != "passed"]
    if slow:
        out.append("<h3>Too slow</h3>" + table(("submission", "function", "ratio"), slow, filterable=True))
    return "".join(out)


def _ratio(r: Ratio) -> str:
    """As the timing check's headline writes it: one decimal, a stopped call's bound a whole number."""
    if r.ratio is None:
        return "none"
    return f">{r.ratio:.0f}x" if r.at_least else f"{round(r.ratio, 1):g}x"


def flags_section(stats: Stats) -> str:
    levels = ", ".join(f"{e(k)}: {v}" for k, v in stats.sandboxes.items())
    out = [f"<p>Isolation levels the code ran under: {levels or 'none recorded'}. Flags never change a score.</p>"]
    rows = [(e(f.submission), e(f.kind), e(f.text)) for f in stats.flags]
    out.append(table(("submission", "flag", "detail"), rows, filterable=True) if rows else "<p>No submission is flagged.</p>")
    return "".join(out)


def to_html(report: Report, title: str = "gradelab report") -> str:
    stats = report.stats
    bodies = {
        "overview": overview_section(stats),
        "checks": checks_section(stats),
        "mistakes": mistakes_section(stats),
        "speed": speed_section(stats),
        "flags": flags_section(stats),
        "similarity": similarity_section(report),
    }
    nav = "".join(f'<a href="#{key}">{e(label)}</a>' for key, label in SECTIONS)
    sections = "".join(f'<section id="{key}"><h2>{e(label)}</h2>{bodies[key]}</section>' for key, label in SECTIONS)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
        f"<body><h1>{e(title)}</h1><nav>{nav}</nav>{sections}<script>{SCRIPT}</script></body></html>\n"
    )
