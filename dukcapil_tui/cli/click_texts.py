"""Click's own messages (a missing option, a bad value, "Aborted!") in the user's language.

Click marks its messages for gettext (``from gettext import gettext as _`` in each module) but
ships no Indonesian catalogue. Rather than a compiled ``.mo`` file bound to the process's
locale, the few messages a clerk can meet are looked up here, by the app's own language
setting, through the same ``_``/``ngettext`` names Click calls. A message Click adds or
rewords in a later version stays English: nothing breaks.
"""

from __future__ import annotations

import gettext

from dukcapil_tui import i18n

INDONESIAN = {
    "Error: {message}": "Galat: {message}",
    "Aborted!": "Dibatalkan.",
    "Try '{command} {option}' for help.": "Lihat '{command} {option}' untuk bantuan.",
    "Missing argument": "Argumen belum diberikan:",
    "Missing option": "Opsi wajib belum diberikan:",
    "Missing parameter": "Parameter belum diberikan:",
    "Missing {param_type}": "{param_type} belum diberikan:",
    "Missing parameter: {param_name}": "Parameter belum diberikan: {param_name}",
    "Invalid value for {param_hint}: {message}": "Nilai tidak sah untuk {param_hint}: {message}",
    "Invalid value: {message}": "Nilai tidak sah: {message}",
    "No such option {name!r}.": "Opsi {name!r} tidak ada.",
    "No such option: {name}": "Opsi {name} tidak ada.",
    "No such command {name!r}.": "Perintah {name!r} tidak ada.",
    "Could not open file {filename!r}: {message}": "Berkas {filename!r} tidak dapat dibuka: {message}",
    "Got unexpected extra argument ({args})": "Argumen tambahan tidak dikenal ({args})",
    "Got unexpected extra arguments ({args})": "Argumen tambahan tidak dikenal ({args})",
    "Option {name!r} requires an argument.": "Opsi {name!r} memerlukan nilai.",
    "Option {name!r} requires {nargs} arguments.": "Opsi {name!r} memerlukan {nargs} nilai.",
    "Option {name!r} does not take a value.": "Opsi {name!r} tidak menerima nilai.",
    "Did you mean {possibility}?": "Maksud Anda {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(Maksud Anda salah satu dari: {possibilities}?)",
    "{value!r} is not {choice}.": "{value!r} bukan {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} bukan salah satu dari {choices}.",
    "{value!r} is not a valid {number_type}.": "{value!r} bukan {number_type} yang sah.",
    "{value} is not in the range {range}.": "{value} di luar rentang {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "{value!r} bukan ya/tidak yang sah. Nilai yang dikenal: {states}",
    "{name} {filename!r} does not exist.": "{name} {filename!r} tidak ada.",
    "{name} {filename!r} is a file.": "{name} {filename!r} adalah berkas, bukan folder.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} adalah folder, bukan berkas.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} tidak dapat dibaca.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} tidak dapat ditulisi.",
    "file": "Berkas", "directory": "Folder", "path": "Jalur",
    "integer": "bilangan bulat", "float": "bilangan",
    "argument": "Argumen", "option": "Opsi", "parameter": "Parameter",
    "Repeat for confirmation": "Ulangi untuk konfirmasi",
    "Error: The value you entered was invalid.": "Galat: nilai yang dimasukkan tidak sah.",
    "Error: The two entered values do not match.": "Galat: kedua nilai yang dimasukkan tidak sama.",
    "Error: {e.message}": "Galat: {e.message}",
}


def _gettext(message: str) -> str:
    if i18n.get_language() == "id":
        return INDONESIAN.get(message, message)
    return gettext.gettext(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return _gettext(singular if count == 1 else plural)


def install() -> None:
    """Route Click's message lookups through the app's language (once, at import of the CLI)."""
    from click import core, decorators, exceptions, formatting, parser, termui, types, utils

    for module in (core, decorators, exceptions, formatting, parser, termui, types, utils):
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext
