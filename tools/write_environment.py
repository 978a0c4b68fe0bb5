"""Regenerate environment.yml (for conda users) from requirements.lock, the one list of pins."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lock_pins(lock: Path = ROOT / "requirements.lock") -> list[str]:
    pins = []
    for line in lock.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            pins.append(line)
    return pins


def render(pins: list[str]) -> str:
    lines = [
        "# Generated from requirements.lock by tools/write_environment.py (`make lock`); do not edit by hand.",
        "# conda env create -f environment.yml && conda activate taxfirewall",
        "name: taxfirewall",
        "channels:",
        "  - conda-forge",
        "dependencies:",
        "  - python=3.11",
        "  - pip",
        "  - pip:",
    ]
    lines += [f"      - {pin}" for pin in pins]
    lines.append("      - -e .")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    (ROOT / "environment.yml").write_text(render(lock_pins()))
    print("wrote environment.yml")
