"""The Gradescope autograder zip: setup.sh, run_autograder, the grader, references and specs.

Gradescope unpacks the zip into /autograder/source of an Ubuntu image and runs setup.sh once;
then, for each upload, /autograder/run_autograder. setup.sh makes a Python >= 3.11 virtualenv
with the versions this zip was built and tested with (a CPU build of torch: Gradescope has no
GPU). The zip is deterministic: the same sources and settings give the same bytes.
"""

from __future__ import annotations

import importlib.metadata
import zipfile
from pathlib import Path

from grader.gradescope.run import CONFIG, AutograderConfig
from grader.paths import REPO

ROOT = REPO
_EPOCH = (1980, 1, 1, 0, 0, 0)
_PACKAGES = ("numpy", "hypothesis", "click", "rich")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
cd /autograder/source
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip ca-certificates
PY=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # Older Ubuntu images ship an older Python; the deadsnakes PPA has 3.11 for them.
    apt-get install -y --no-install-recommends software-properties-common gpg-agent
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PY=python3.11
fi
# bubblewrap confines student code where the image allows namespaces; the grader falls back otherwise.
apt-get install -y --no-install-recommends bubblewrap || true
"$PY" -m venv /autograder/venv
/autograder/venv/bin/python -m pip install --upgrade pip
# The CPU build: the default Linux wheel brings gigabytes of CUDA that Gradescope cannot use.
/autograder/venv/bin/python -m pip install --index-url https://download.pytorch.org/whl/cpu "torch=={torch}"
/autograder/venv/bin/python -m pip install -r requirements.txt
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each upload: grade /autograder/submission, write /autograder/results/results.json.
# GRADELAB_AUTOGRADER_ROOT and GRADELAB_PYTHON exist so the layout can be simulated in a test.
set -uo pipefail
ROOT="${GRADELAB_AUTOGRADER_ROOT:-/autograder}"
PY="${GRADELAB_PYTHON:-$ROOT/venv/bin/python}"
cd "$ROOT/source"
exec "$PY" cli.py gradescope run --root "$ROOT"
"""


def _version(package: str) -> str:
    return importlib.metadata.version(package).split("+")[0]  # "2.13.0+cpu" -> "2.13.0"


def requirements() -> str:
    return "".join(f"{p}=={_version(p)}\n" for p in _PACKAGES)


def sources(root: Path = ROOT) -> list[Path]:
    """The grader, the references and the CLI entry point (no tests, no caches)."""
    found = [p for d in ("grader", "reference") for p in sorted((root / d).rglob("*.py")) if "__pycache__" not in p.parts]
    return [*found, root / "cli.py"]


def _add(archive: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permission bits
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def build_autograder_zip(out: Path, config: AutograderConfig, root: Path = ROOT) -> list[str]:
    """Write the zip; returns its member names. setup.sh and run_autograder sit at its root."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    with zipfile.ZipFile(tmp, "w") as archive:
        _add(archive, "setup.sh", SETUP_SH.replace("{torch}", _version("torch")).encode(), 0o755)
        _add(archive, "run_autograder", RUN_AUTOGRADER.encode(), 0o755)
        _add(archive, "requirements.txt", requirements().encode())
        _add(archive, CONFIG, config.to_json().encode())
        for path in sources(root):
            _add(archive, path.relative_to(root).as_posix(), path.read_bytes())
        names = archive.namelist()
    tmp.replace(out)
    return names
