"""The pins: requirements.lock is the one list; environment.yml and pyproject agree with it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from write_environment import lock_pins, render  # noqa: E402


def _pins(lines):
    out = {}
    for line in lines:
        name, _, version = line.partition("==")
        out[re.sub(r"[-_.]+", "-", name.lower())] = version
    return out


def test_environment_yml_pins_exactly_the_lock():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    assert "conda-forge" in env["channels"]
    assert "python=3.11" in env["dependencies"]
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_section
    assert _pins([p for p in pip_section if "==" in p]) == _pins(lock_pins())


def test_environment_yml_is_what_the_generator_writes():
    assert (ROOT / "environment.yml").read_text() == render(lock_pins())


def test_every_lock_line_is_an_exact_pin():
    for pin in lock_pins():
        assert re.fullmatch(r"[A-Za-z0-9_.\-]+==[^=\s]+", pin), pin


def test_installed_versions_match_the_lock():
    from importlib.metadata import version

    for name, pinned in _pins(lock_pins()).items():
        assert version(name) == pinned, name
