"""`make lab`: JupyterLab over the project, open on the explorer notebook.

    .venv/bin/python tools/lab.py [--port N] [--root DIR] [--no-browser]

Every option of the desk's JupyterLab is here, and tests/browser/test_lab_launch.py starts
it through this script: on 127.0.0.1 only, with no news pop-up and no update check (nothing
calls out), opening notebooks/01_explore.ipynb. Once the server answers, it prints the one
address to open, token included: JUPYTER_TOKEN when set, else a fresh random token. The port
is the first free one from 8888 and JupyterLab must take exactly that one (no quiet move to
another port that would make the printed address wrong).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
FIRST_PORT = 8888
OPEN = "/lab/tree/notebooks/01_explore.ipynb"
CONFIG = ROOT / "tools" / "jupyter"


def free_port(start: int = FIRST_PORT, tries: int = 50) -> int:
    for port in range(start, start + tries):
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {start}-{start + tries - 1}")


def lab_command(port: int, root: Path, browser: bool) -> list[str]:
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--ServerApp.ip={HOST}",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        f"--LabApp.default_url={OPEN}",
        f"--ServerApp.open_browser={browser}",
        # no news feed, no update check: both call out (None, since an empty URL is still requested)
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # in a container as root
        cmd.append("--ServerApp.allow_root=True")
    return cmd


def _answers(url: str, token: str) -> bool:
    request = urllib.request.Request(f"{url}/api/status", headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2):
            return True
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="default: the first free from 8888")
    parser.add_argument("--root", type=Path, default=ROOT, help="folder holding notebooks/")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser")
    args = parser.parse_args(argv)

    port = args.port or free_port()
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    url = f"http://{HOST}:{port}"
    print(f"Starting JupyterLab on {url} (the address to open follows once it is ready)", flush=True)
    # the token goes through the environment, not the command line other users can read
    env = dict(os.environ, JUPYTER_TOKEN=token)
    # tools/jupyter/labconfig turns off the plugin that asks about news (the pop-up over the
    # bottom right of the outputs) and checks for updates
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        filter(None, [str(CONFIG), os.environ.get("JUPYTER_CONFIG_PATH")])
    )
    proc = subprocess.Popen(lab_command(port, args.root.resolve(), not args.no_browser), env=env)
    # Ctrl-C reaches JupyterLab, which asks before stopping; a kill is passed on to it
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: proc.terminate())
    while proc.poll() is None and not _answers(url, token):
        time.sleep(0.5)
    if proc.poll() is None:
        print(f"\nJupyterLab: open {url}{OPEN}?token={token}\n", flush=True)
    return proc.wait()


if __name__ == "__main__":
    sys.exit(main())
