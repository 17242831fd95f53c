"""Login: username and password, checked in a worker (scrypt takes a moment)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.message import Message
from textual.widgets import Button, Footer, Input, Label

from dukcapil_tui.i18n import t
from dukcapil_tui.ui.base import BaseScreen, in_db

if TYPE_CHECKING:
    from dukcapil_tui.services.users import LoginResult


class LoginScreen(BaseScreen):
    screen_title = ""

    class Checked(Message):
        def __init__(self, result: LoginResult) -> None:
            super().__init__()
            self.result = result

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Label(self.app.office_name or t("app.title"), id="login-office")
            yield Label(t("login.title"), id="login-title")
            yield Label(t("login.username"), classes="field-label")
            yield Input(id="username", max_length=32)
            yield Label(t("login.password"), classes="field-label")
            yield Input(id="password", password=True, max_length=128)
            yield Button(t("login.submit"), id="login-button", variant="primary")
            yield Label("", id="login-message")
        yield Footer()

    def on_mount(self) -> None:
        self.screen_title = t("login.title")
        self.query_one("#username", Input).focus()

    @on(Input.Submitted, "#username")
    def _to_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login-button")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value
        password = self.query_one("#password", Input).value
        self.query_one("#login-button", Button).disabled = True
        self._check(username, password)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False)
    def _check(self, username: str, password: str) -> None:
        # Imported here, not at start-up: the accounts service brings the models (issue 14).
        from dukcapil_tui.services.users import authenticate

        result = in_db(authenticate, username, password, self.app.workstation)
        self.post_message(self.Checked(result))

    @on(Checked)
    def _checked(self, message: Checked) -> None:
        self.query_one("#login-button", Button).disabled = False
        if message.result.ok:
            self.app.notify(message.result.message)
            self.app.logged_in(message.result.actor)
            return
        self.query_one("#login-message", Label).update(message.result.message)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
