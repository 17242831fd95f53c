"""dukcapil-tui: the working ledger of one Dukcapil office.

Kept free of imports so that `dukcapil --version` and the click subcommands start fast.
"""

__version__ = "0.1.0"
