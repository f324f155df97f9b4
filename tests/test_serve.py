"""The preview server: `python -m generator serve` serves the site and picks up data edits."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import REPO, edit, free_port


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(url: str, text: str, seconds: float) -> float:
    """Seconds until the page at ``url`` contains ``text``; fails after ``seconds``."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        page = _get(url)
        if page and text in page:
            return time.monotonic() - start
        time.sleep(0.2)
    raise AssertionError(f"{url} never showed {text!r} within {seconds}s")


def test_serve_previews_and_reloads_after_a_data_edit(project: Path) -> None:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(project),
                             "--dev-addr", f"127.0.0.1:{port}"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/terms/scaling-policy/"
    try:
        _wait_for(url, "A commitment to match safeguards to capabilities.", 60)
        edit(project, "data/terms/scaling-policy.yaml", "A commitment to match safeguards to capabilities.",
             "A promise to match safeguards to capabilities.")
        took = _wait_for(url, "A promise to match safeguards to capabilities.", 30)
        assert took < 30
        time.sleep(1.5)  # the watcher polls twice a second: time to see (and ignore) the pages the build wrote
        # a broken edit is reported by the watcher and the last good page stays served
        edit(project, "data/terms/scaling-policy.yaml", "related: [safety-level]", "related: [safety-levl]")
        time.sleep(2)
        assert "A promise to match" in (_get(url) or "")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            output, _ = proc.communicate()
    assert re.search(r"rebuilt: rendered \d+ pages again, wrote \d+ in [\d.]+s; built \d+ files again", output), output
    assert "related: unknown term 'safety-levl' (did you mean 'safety-level'?)" in output
    assert "Traceback" not in output
    # one reload per edit: the pages the preview writes and builds itself ask for no second build
    assert output.count("Reloading browsers") <= 2, output


def test_the_background_check_runs_once_at_a_time_and_serves_requests_made_meanwhile() -> None:
    import threading

    from generator.commands.serve import _Checker

    started, release, calls = threading.Event(), threading.Event(), []

    class Preview:
        def check(self) -> list[object]:
            calls.append(threading.get_ident())
            started.set()
            release.wait(5)
            return []

    checker = _Checker(Preview())  # type: ignore[arg-type]
    checker.request()
    assert started.wait(5)
    checker.request()  # while the first runs: served after it, not beside it
    checker.request()
    assert len(calls) == 1
    release.set()
    deadline = time.monotonic() + 5
    while (checker.running or len(calls) < 2) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(calls) == 2 and not checker.running and len(set(calls)) == 1


def test_a_bad_or_taken_address_is_a_clear_error(project: Path) -> None:
    import socket

    bad = subprocess.run([sys.executable, "-m", "generator", "serve", "--root", str(project), "--dev-addr", "localhost"],
                         check=False, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "'localhost' is not HOST:PORT" in bad.stderr
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = subprocess.run([sys.executable, "-m", "generator", "serve", "--root", str(project),
                               "--dev-addr", f"127.0.0.1:{port}"], check=False, cwd=REPO, capture_output=True,
                              text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"cannot serve on 127.0.0.1:{port}" in proc.stdout and "Traceback" not in proc.stdout + proc.stderr
