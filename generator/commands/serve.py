"""``python -m generator serve``: preview with live reload on edits to the data, the templates and the site."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from ..build.preview import Preview, PreviewBuild
from .base import Command
from .output import print_findings


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview with live reload: after an edit, only the pages it changed are generated and built again."""
    project = args.project
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    logging.getLogger("mkdocs").addHandler(handler)
    logging.getLogger("mkdocs").setLevel(logging.INFO)
    host, _, port = args.dev_addr.rpartition(":")
    host = host.strip("[]")  # an IPv6 address is written [::1]:8000
    site_dir = Path(tempfile.mkdtemp(prefix="glossary-preview-"))
    # site_url follows the preview's address, so pages sit at / and instant previews work.
    preview = Preview(project, site_dir, f"http://{args.dev_addr}/", full_builds=args.full)
    try:
        first = _built(preview)
        if first is None or first.findings:
            return 1
        print(f"built the preview: {first.summary()}", flush=True)
        server = _server(preview, host=host, port=int(port), root=str(site_dir))
        server.error_handler = lambda code: _error_page(site_dir, code)
        for path in preview.watched():
            if path.exists():
                server.watch(str(path))
        try:
            server.serve()
        except KeyboardInterrupt:
            print("shutting down", flush=True)
        except OSError as exc:  # the address is taken or not this machine's
            print(f"cannot serve on {args.dev_addr}: {exc.strerror or exc}; choose another with --dev-addr", flush=True)
            return 1
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


def _server(preview: Preview, **options: Any) -> Any:
    """MkDocs' live-reload server, building with ``preview``; a file event the preview caused itself (a page
    it wrote or built, as it left it) asks for no build, so the browser reloads once per edit."""
    # MkDocs is imported on first use: it is slow to import and only this command serves.
    import watchdog.events
    from mkdocs.livereload import LiveReloadServer

    class PreviewServer(LiveReloadServer):
        def watch(self, path: str, func: None = None, *, recursive: bool = True) -> None:
            """``LiveReloadServer.watch`` (MkDocs 1.6), but for the preview's own writes."""
            path = os.path.abspath(path)
            if path in self._watched_paths:
                return
            self._watched_paths[path] = 1

            def callback(event: Any) -> None:
                if event.is_directory or preview.wrote(event.src_path):
                    return
                with self._rebuild_cond:
                    self._want_rebuild = True
                    self._rebuild_cond.notify_all()

            handler = watchdog.events.FileSystemEventHandler()
            handler.on_any_event = callback  # type: ignore[method-assign]
            self._watch_refs[path] = self.observer.schedule(handler, path, recursive=recursive)

    checker = _Checker(preview)
    return PreviewServer(builder=lambda: _rebuild(preview, checker), **options)


def _built(preview: Preview) -> PreviewBuild | None:
    """The preview's build; its findings, or why MkDocs could not build, are printed (never a traceback).
    None when MkDocs failed."""
    try:
        result = preview.build()
    except Exception as exc:  # MkDocs raises many kinds (a broken hand-written page, a theme error)
        print(f"the preview could not be built: {type(exc).__name__}: {exc}\n"
              "fix the page or setting named above and save again", flush=True)
        return None
    if result.findings:
        print_findings(result.findings)
    return result


def _rebuild(preview: Preview, checker: _Checker) -> None:
    """What the server runs after a change: the preview's build, then the rules it left out, in the background."""
    result = _built(preview)
    if result is None:
        return
    if result.findings:
        print("the preview keeps the last good pages until these are fixed", flush=True)
        return
    print(f"rebuilt: {result.summary()}", flush=True)
    if not preview.generator.checked:
        checker.request()


class _Checker:
    """Runs the consistency rules the incremental update left out, in one background thread at a time: a request
    made while it runs is served when it ends, on the data as it is then."""

    def __init__(self, preview: Preview):
        self.preview = preview
        self.lock = threading.Lock()
        self.running = self.pending = False

    def request(self) -> None:
        """Check the current data soon, in the background."""
        with self.lock:
            if self.running:
                self.pending = True
                return
            self.running = True
        threading.Thread(target=self._run, daemon=True, name="preview-check").start()

    def _run(self) -> None:
        while True:
            findings = self.preview.check()
            if findings:
                print_findings(findings)
            else:
                print("checked: every consistency rule passes", flush=True)
            with self.lock:
                if not self.pending:
                    self.running = False
                    return
                self.pending = False


def _error_page(site_dir: Path, code: int) -> bytes | None:
    """The built site's own 404 page (and 500, if it has one), as MkDocs' preview serves them."""
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


def _address(text: str) -> str:
    """``--dev-addr``: HOST:PORT with a port number from 1 to 65535."""
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"'{text}' is not HOST:PORT (such as 127.0.0.1:8000)")
    return text


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", type=_address, help="address to serve on, HOST:PORT")
    parser.add_argument("--full", action="store_true", help="build the whole site after each change (slower)")


COMMAND = Command("serve", cmd_serve, _arguments)
