"""The instructor's report as one value: the class statistics and the similarity of the graded
code, built from the gradebook's entries without grading anything."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from grader.batch.gradebook import Entry
from grader.report.similarity import Pair, similar_pairs
from grader.report.sources import read_sources
from grader.report.stats import Stats, class_stats


@dataclass(frozen=True)
class Similarity:
    baseline: str  # the folder of released stubs whose code never counts
    modules: tuple[str, ...]
    compared: dict[str, int]  # module -> submissions whose file was compared
    common: dict[str, int]  # module -> fingerprints ignored as shared by too many submissions
    pairs: tuple[Pair, ...]  # every module's, most similar first
    left_out: tuple[str, ...]  # submissions not compared, with why
    no_baseline: tuple[str, ...]  # modules the baseline folder has no file for


@dataclass(frozen=True)
class Report:
    stats: Stats
    similarity: Similarity
    sources: dict[str, dict[str, str]]  # submission -> module -> text: the side-by-side views

    def to_dict(self) -> dict[str, Any]:
        return {**self.stats.to_dict(), "similarity": asdict(self.similarity)}


def graded_modules(entries: Sequence[Entry]) -> tuple[str, ...]:
    """The module files of the parts the gradebook holds, in course order."""
    # Here, not at the top: the specs import the torch references (seconds), which `report --help`
    # and the statistics never need.
    from grader.parts import BY_NAME

    names = {p.part for e in entries for p in e.result.parts}
    return tuple(dict.fromkeys(spec.module for name, spec in BY_NAME.items() if name in names))


def baseline_text(folder: Path, module: str) -> str | None:
    for path in (folder / f"{module}.py", folder / "assignments" / f"{module}.py"):
        if path.is_file():
            return path.read_text(errors="replace")
    return None


def build_report(entries: Sequence[Entry], baseline: Path, base: Path | None = None, limit: int = 50) -> Report:
    entries = sorted(entries, key=lambda e: e.name)
    modules = graded_modules(entries)
    sources = read_sources(entries, modules, base)
    compared: dict[str, int] = {}
    common: dict[str, int] = {}
    pairs: list[Pair] = []
    missing: list[str] = []
    for module in modules:
        texts = {name: files[module] for name, files in sources.files.items() if module in files}
        stub = baseline_text(baseline, module)
        if stub is None:
            missing.append(module)
        found, ignored = similar_pairs(module, texts, stub or "", limit=limit)
        pairs += found
        compared[module], common[module] = len(texts), ignored
    pairs.sort(key=lambda p: (-p.score, -p.shared, p.module, p.a, p.b))
    similarity = Similarity(str(baseline), modules, compared, common, tuple(pairs[:limit]), sources.left_out, tuple(missing))
    return Report(class_stats(entries, mistake_hints()), similarity, sources.files)


def mistake_hints() -> dict[str, str]:
    """Each declared mistake's key and hint (the first declared, where a key has several ways)."""
    from grader.parts import PARTS  # the references' torch, only when a report is built

    hints: dict[str, str] = {}
    for part in PARTS:
        for d in part.diagnoses:
            hints.setdefault(d.key, d.hint)
    return hints
