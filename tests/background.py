"""Processes a test run starts in the background (see tests/conftest.py): the built site's server and site builds.

    python -m tests.background serve SITE_DIR PORT_FILE OWNER_PID
    python -m tests.background build STATUS_FILE MKDOCS_ARGS...

Each runs in its own process, so every pytest-xdist worker of a run uses the same
build and the same address: the first worker that needs a site starts them, the
others wait for the status file. The server stops by itself when the run's main
pytest process (OWNER_PID) ends. Standard library only (plus mkdocs for a build).
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import runpy
import sys
import threading
import time
from pathlib import Path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


def serve_in_thread(folder, handler=QuietHandler, port: int = 0) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a folder on 127.0.0.1 from a thread of this process (port 0: a free one): (server, its address)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(folder)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def serve(site_dir: str, port_file: str, owner_pid: str) -> None:
    """Serve site_dir on 127.0.0.1 (a free port, written to port_file) until process owner_pid ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=site_dir))
    server.daemon_threads = True
    write_atomically(Path(port_file), str(server.server_address[1]))

    def watch() -> None:
        while _alive(int(owner_pid)):
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()
    server.serve_forever()


def build(status_file: str, *mkdocs_args: str) -> None:
    """``python -m mkdocs MKDOCS_ARGS`` in this process; its exit code goes to status_file as JSON."""
    code = 1
    try:
        sys.argv = ["mkdocs", *mkdocs_args]
        runpy.run_module("mkdocs", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        write_atomically(Path(status_file), json.dumps({"returncode": code}))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"serve": serve, "build": build}[command](*args)
