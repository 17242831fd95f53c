"""``dukcapil serve``: the TUI in a browser through textual-serve.

The server runs as a real subprocess on a free port of the loopback address; the page is
fetched with urllib, and each "browser tab" is a websocket (aiohttp, which textual-serve
brings) that gets a process of its own running the app with the server's database and language.
"""

from __future__ import annotations

import asyncio
import os
import re
import select
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from dukcapil_tui import web
from dukcapil_tui.cli import cli
from dukcapil_tui.cli.common import State
from dukcapil_tui.domain.problems import ServiceError

from conftest import PASSWORD

OFFICE_NAME = "Disdukcapil Kabupaten Lombok Tengah"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def invoke(*args: str):
    from dukcapil_tui.db import database

    result = CliRunner().invoke(cli, list(args), obj=State())
    if database.obj is not None:
        database.close()
    return result


# --- refusing bad options ----------------------------------------------------------------------

@pytest.mark.parametrize("text", ["1", "65535", " 8000 "])
def test_ports_from_1_to_65535_are_accepted(text):
    assert web.check_port(text) == int(text)


@pytest.mark.parametrize("text", ["0", "65536", "-1", "80a", "8.000", "", "٨٠٠٠"])
def test_other_ports_are_refused_in_indonesian(text):
    with pytest.raises(ServiceError) as refused:
        web.check_port(text)
    assert "--port harus bilangan bulat 1 sampai 65535" in str(refused.value)


@pytest.mark.parametrize(("args", "message"), [
    (["--port", "0"], "Port '0' tidak bisa dipakai: --port harus bilangan bulat 1 sampai 65535"),
    (["--port", "65536"], "Port '65536' tidak bisa dipakai"),
    (["--port", "delapan"], "Port 'delapan' tidak bisa dipakai"),
    (["--host", "bad host!"], "Alamat --host 'bad host!' tidak bisa dipakai: itu bukan nama komputer atau alamat IP"),
    (["--host", ""], "Alamat --host '' tidak bisa dipakai: alamat kosong"),
    # TEST-NET-1: an address that is nobody's here (binding to it sends nothing anywhere).
    (["--host", "192.0.2.1", "--port", "8000"], "Tidak bisa mendengarkan di 192.0.2.1 port 8000: alamat itu bukan "
                                                "milik komputer ini."),
    (["--public-url", "ftp://dukcapil"], "--public-url 'ftp://dukcapil' bukan alamat web"),
])
def test_serve_refuses_bad_options_before_starting(office, args, message):
    result = invoke("--db", str(office), "serve", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output and "Melayani" not in result.output


def test_serve_refuses_a_port_in_use(office):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("--db", str(office), "serve", "--port", str(port))
    assert result.exit_code == 2
    assert f"Tidak bisa mendengarkan di 127.0.0.1 port {port}: port itu sedang dipakai program lain" in result.output


def test_serve_refuses_a_missing_database(tmp_path):
    result = invoke("--db", str(tmp_path / "none.sqlite3"), "serve", "--port", str(free_port()))
    assert result.exit_code == 2
    assert "none.sqlite3" in result.output and "Melayani" not in result.output


def test_the_app_command_carries_the_database_and_language(tmp_path):
    command = web.app_command(Path("office.sqlite3"), "en")
    assert command.startswith(f"{sys.executable} -m dukcapil_tui --db ")
    assert command.endswith(f"{Path('office.sqlite3').absolute()} --lang en")


def test_a_wildcard_host_announces_this_machine_by_name():
    assert web.default_public_url("0.0.0.0", 8000) == f"http://{socket.gethostname()}:8000"
    assert web.default_public_url("127.0.0.1", 8001) == "http://127.0.0.1:8001"
    assert web.default_public_url("::1", 8002) == "http://[::1]:8002"
    assert web.is_loopback("127.0.0.1") and web.is_loopback("localhost") and web.is_loopback("::1")
    assert not web.is_loopback("0.0.0.0") and not web.is_loopback("192.168.1.10")


# --- the server itself -------------------------------------------------------------------------

def _read_until(stream, pattern: str, timeout: float) -> str:
    """What the server printed up to a line containing ``pattern``."""
    seen = b""
    deadline = time.monotonic() + timeout
    while pattern.encode() not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{pattern!r} not printed; got {seen!r}"
        ready, _, _ = select.select([stream], [], [], left)
        if ready:
            chunk = os.read(stream.fileno(), 4096)  # unbuffered: select sees what is left
            assert chunk, f"server ended early; printed {seen!r}"
            seen += chunk
    return seen.decode("utf-8")


def _screen(raw: bytes) -> str:
    """The text a terminal would show, escape sequences removed."""
    return re.sub(r"\x1b\[[0-9;?<>=]*[A-Za-z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)", "", raw.decode("utf-8", "replace"))


class Tab:
    """One browser tab: the websocket the page opens, and what the app shows in it."""

    def __init__(self, session, url: str):
        self.session, self.url, self.raw = session, url, b""

    async def __aenter__(self):
        self.ws = await self.session.ws_connect(self.url)
        self.reader = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        async for message in self.ws:
            if isinstance(message.data, bytes):
                self.raw += message.data

    async def __aexit__(self, *exc):
        self.reader.cancel()
        await asyncio.wait_for(self.ws.close(), 15)

    async def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while text not in _screen(self.raw):
            assert time.monotonic() < deadline, f"{text!r} never shown; screen: {_screen(self.raw)[-2000:]!r}"
            assert not self.reader.done(), f"the tab closed; screen: {_screen(self.raw)[-2000:]!r}"
            await asyncio.sleep(0.1)
        return _screen(self.raw)

    async def type(self, text: str) -> None:
        await self.ws.send_json(["stdin", text])

    def forget(self) -> None:
        self.raw = b""


def _app_processes(db: Path) -> list[int]:
    """Processes running the app on ``db`` (from /proc: Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"dukcapil_tui" in words and str(db).encode() in words and b"serve" not in words:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads processes from /proc")
def test_serve_gives_every_tab_its_own_login_and_stops_cleanly(office):
    import aiohttp

    from dukcapil_tui.db import database

    database.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dukcapil_tui", "--db", str(office), "--lang", "en", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy(),
    )
    try:
        printed = _read_until(server.stdout, "Ctrl+C", 30)
        assert f"Serving {OFFICE_NAME} on http://127.0.0.1:{port} (database {office})" in printed
        assert "as workstation TEST-01 (this computer)" in printed
        assert "Only this computer can open it (127.0.0.1)" in printed

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
            page = response.read().decode("utf-8")
        assert f'src="http://127.0.0.1:{port}/static/js/textual.js"' in page  # the textual-serve page
        assert f'data-session-websocket-url="ws://127.0.0.1:{port}/ws"' in page
        assert OFFICE_NAME in page  # its title
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/js/textual.js", timeout=10) as response:
            assert response.status == 200

        async def browse() -> None:
            url = f"http://127.0.0.1:{port}/ws?width=100&height=32"
            async with aiohttp.ClientSession() as session, Tab(session, url) as first, Tab(session, url) as second:
                # Each tab: its own process, the server's database (the office's name) and language.
                for tab in (first, second):
                    screen = await tab.wait_for("Username")
                    assert OFFICE_NAME in screen and "Password" in screen
                assert len(_app_processes(office)) == 2
                await first.type("admin\r")
                await asyncio.sleep(0.5)
                await first.type(PASSWORD + "\r")
                await first.wait_for("Monthly reports")  # the head's dashboard, admin's first screen
                await first.type("m")
                await first.wait_for("Workstation: TEST-01")  # the main menu
                second.forget()
                await second.type("\x10")  # Ctrl+P: this tab is still at its login (no section offered)
                screen = await second.wait_for("Quit")
                assert "Workstation: TEST-01" not in screen and "Log out" not in screen

        asyncio.run(browse())
        deadline = time.monotonic() + 15
        while _app_processes(office) and time.monotonic() < deadline:
            time.sleep(0.2)  # a closed tab ends its process
        assert _app_processes(office) == []

        from dukcapil_tui.db import open_database
        from dukcapil_tui.models import AuditLog

        open_database(office)
        logins = list(AuditLog.select().where(AuditLog.action == "login.ok"))
        assert [(e.username, e.workstation) for e in logins] == [("admin", "TEST-01")]
        database.close()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            rest = server.communicate(timeout=20)[0].decode("utf-8")
        except subprocess.TimeoutExpired:
            server.kill()
            raise
    assert server.returncode == 0, rest
    assert "Server stopped." in rest and "Traceback" not in rest


def test_the_server_is_announced_only_once_it_listens():
    """What ``dukcapil serve`` prints comes when a browser can connect (not before: a page
    opened at once would be refused)."""
    port = free_port()
    connected = []

    def announce(listen: web.Listen) -> None:
        with socket.create_connection((listen.host, listen.port), timeout=5):
            connected.append(listen.port)
        os.kill(os.getpid(), signal.SIGTERM)  # stops the server as Ctrl+C would

    web.serve(web.Listen("127.0.0.1", port, f"http://127.0.0.1:{port}"), "true", "Kantor", announce)
    assert connected == [port]
