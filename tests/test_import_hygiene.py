"""The core must run without Textual (DESIGN.md §2): import each module in a fresh process."""

import subprocess
import sys

import pytest

CORE_MODULES = [
    "dukcapil_tui.db",
    "dukcapil_tui.models",
    "dukcapil_tui.migrations",
    "dukcapil_tui.paths",
    "dukcapil_tui.config",
    "dukcapil_tui.i18n",
    "dukcapil_tui.tabular",
    "dukcapil_tui.domain.nik",
    "dukcapil_tui.domain.residents",
    "dukcapil_tui.domain.passwords",
    "dukcapil_tui.domain.formatting",
    "dukcapil_tui.services.context",
    "dukcapil_tui.services.audit",
    "dukcapil_tui.services.settings",
    "dukcapil_tui.services.regions",
    "dukcapil_tui.services.users",
    "dukcapil_tui.services.residents",
    "dukcapil_tui.services.resident_import",
    "dukcapil_tui.services.office",
    "dukcapil_tui.services.check",
    "dukcapil_tui.demo.builder",
    "dukcapil_tui.cli",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_imports_without_textual(module):
    code = (
        f"import sys, importlib; importlib.import_module({module!r}); "
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')); "
        "assert not bad, bad"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
