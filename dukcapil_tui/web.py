"""``dukcapil serve``: the terminal interface in a web browser, through textual-serve.

textual-serve is a small aiohttp server: its page holds a terminal emulator, and every browser
tab that opens it gets a websocket and a process of its own running the command given here
(this app, with the server's ``--db`` and language, under Textual's web driver). Nothing is
shared between tabs but the database: each tab logs in on its own, has its own idle lock, and
ends its process when it closes.

Every tab runs on the server, so every tab is the server's workstation: the code its data
folder's enrolment proves (docs/operators-guide.md). What a workstation remembers in its
settings file (the counter it serves, the language) stays in the tab in a browser
(``DukcapilApp.remembered``), or one clerk's choice would move another's.

No Textual here: textual-serve (and aiohttp) are imported only when serving starts.
"""

from __future__ import annotations

import ipaddress
import re
import shlex
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from dukcapil_tui.domain import numbers
from dukcapil_tui.domain.problems import ServiceError
from dukcapil_tui.i18n import t

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
WILDCARDS = ("0.0.0.0", "::")


@dataclass(frozen=True)
class Listen:
    host: str
    port: int
    public_url: str  # what the page tells the browser to load its script and websocket from

    @property
    def local_only(self) -> bool:
        return is_loopback(self.host)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(?:\.{_LABEL})*\.?$")


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def check_port(text: object) -> int:
    port = numbers.whole_in(text, 1, 65535, thousands=False)
    if port is None:
        raise ServiceError(t("serve.bad_port", value=str(text).strip()))
    return port


def check_listen(host: str, port_text: object, public_url: str | None = None) -> Listen:
    """The address to listen on, checked before the server starts: a port from 1 to 65535, a
    host that names an address of this machine, and nobody else listening there. Refused with
    a ServiceError that says which and why."""
    from dukcapil_tui.files import os_reason

    port = check_port(port_text)
    host = (host or "").strip()
    if not host:
        raise ServiceError(t("serve.bad_host", host=host, reason=t("serve.host_empty")))
    if not (_is_ip(host) or _HOSTNAME.match(host)):
        raise ServiceError(t("serve.bad_host", host=host, reason=t("serve.host_malformed")))
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as exc:
        raise ServiceError(t("serve.bad_host", host=host, reason=t("serve.host_unknown"))) from exc
    family, _, _, _, address = infos[0]
    probe = socket.socket(family, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp does: TIME_WAIT is no obstacle
        probe.bind(address)
    except OSError as exc:
        raise ServiceError(t("serve.cannot_listen", host=host, port=port, reason=_bind_reason(exc, os_reason))) \
            from exc
    finally:
        probe.close()
    return Listen(host, port, (public_url or "").rstrip("/") or default_public_url(host, port))


def _bind_reason(exc: OSError, os_reason) -> str:
    import errno

    if exc.errno == errno.EADDRINUSE:
        return t("serve.port_in_use")
    if exc.errno == errno.EADDRNOTAVAIL:
        return t("serve.not_this_machine")
    if exc.errno in (errno.EACCES, errno.EPERM):
        return t("serve.port_privileged")
    return os_reason(exc)


def default_public_url(host: str, port: int) -> str:
    """Where browsers reach the server when no ``--public-url`` says: the host as given, or for a
    wildcard address (every interface) this machine's name."""
    if host in WILDCARDS:
        host = socket.gethostname() or "localhost"
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    return f"http://{host}:{port}"


def check_public_url(text: str | None) -> str | None:
    if not text:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ServiceError(t("serve.bad_public_url", value=text))
    return text.strip().rstrip("/")


def app_command(db_path: Path | str, language: str) -> str:
    """The shell command each tab's process runs: this interpreter, this app, the same database
    (a file, or a PostgreSQL URL as given) and language (DUKCAPIL_HOME and the rest of the
    environment, PGPASSWORD among them, are inherited)."""
    from dukcapil_tui.db import postgres

    where = str(db_path) if postgres.is_url(db_path) else str(Path(db_path).absolute())
    return shlex.join([sys.executable, "-m", "dukcapil_tui", "--db", where, "--lang", language])


def serve(listen: Listen, command: str, title: str, announce) -> None:
    """Serve until Ctrl+C or SIGTERM (both end the server and its tabs' processes cleanly).
    ``announce(listen)`` is called once the server listens."""
    import logging

    from textual_serve.server import Server

    class OfficeServer(Server):
        def initialize_logging(self) -> None:
            # Requests (no personal data: keys travel inside the websocket) at WARNING and above;
            # textual-serve's own banner is replaced by ``announce``.
            logging.basicConfig(level=logging.WARNING, format="%(name)s: %(message)s")

        async def on_startup(self, app) -> None:
            pass  # textual-serve's banner: replaced by ``announce``

        def serve(self, debug: bool = False) -> None:
            # Server.serve, but ``announce`` once the socket listens: aiohttp calls ``print``
            # after its sites started (an on_startup hook runs before, when a browser is refused).
            import asyncio
            import signal

            from aiohttp import web as aiohttp_web

            self.debug = debug
            self.initialize_logging()
            loop = asyncio.new_event_loop()
            for stop in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(stop, self.request_exit)
            aiohttp_web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                                print=lambda *_: announce(listen))

    OfficeServer(command, host=listen.host, port=listen.port, title=title, public_url=listen.public_url).serve()
