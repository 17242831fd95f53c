"""The details a Suket letter carries beyond the register's first fields: agama, pekerjaan,
kewarganegaraan. Each may be unknown (empty): a resident known only from a SIAK status listing
has none of them, and the letter leaves out what is not known."""

from __future__ import annotations

from collections.abc import Mapping

from dukcapil_tui.domain.problems import bad_choice
from dukcapil_tui.domain.text import squash
from dukcapil_tui.i18n import t

# SIAK's seven religions (agama) as the KTP-el prints them, and the spellings files carry.
RELIGIONS = ("ISLAM", "KRISTEN", "KATHOLIK", "HINDU", "BUDHA", "KHONGHUCU", "KEPERCAYAAN TERHADAP TUHAN YME")
_RELIGION_SPELLINGS = {
    "KATOLIK": "KATHOLIK", "KRISTEN KATOLIK": "KATHOLIK", "KRISTEN PROTESTAN": "KRISTEN", "PROTESTAN": "KRISTEN",
    "BUDDHA": "BUDHA", "KONGHUCU": "KHONGHUCU", "KONG HU CU": "KHONGHUCU", "KHONG HU CU": "KHONGHUCU",
    "KEPERCAYAAN": "KEPERCAYAAN TERHADAP TUHAN YME", "PENGHAYAT KEPERCAYAAN": "KEPERCAYAAN TERHADAP TUHAN YME",
    # SIAK's numeric codes (AGAMA 1..7)
    "1": "ISLAM", "2": "KRISTEN", "3": "KATHOLIK", "4": "HINDU", "5": "BUDHA", "6": "KHONGHUCU",
    "7": "KEPERCAYAAN TERHADAP TUHAN YME",
}
CITIZENSHIPS = ("WNI", "WNA")
_CITIZENSHIP_SPELLINGS = {"INDONESIA": "WNI", "WARGA NEGARA INDONESIA": "WNI", "WARGA NEGARA ASING": "WNA",
                          "ASING": "WNA", "1": "WNI", "2": "WNA"}
MAX_OCCUPATION = 60
FIELDS = ("religion", "occupation", "citizenship")
_UNKNOWN = {"religion": "", "citizenship": "", "occupation": ""}


def parse_religion(value: object) -> str | None:
    """The religion in SIAK's spelling, "" when not given, None when not one of the seven."""
    text = squash(value).upper().removesuffix(".0")
    if not text:
        return ""
    text = _RELIGION_SPELLINGS.get(text, text)
    return text if text in RELIGIONS else None


def religion_label(religion: str) -> str:
    """A religion as a letter writes it: "Islam", "Kepercayaan Terhadap Tuhan YME" (not "Yme")."""
    return " ".join(word if word == "YME" else word.capitalize() for word in religion.split())


def parse_citizenship(value: object) -> str | None:
    text = squash(value).upper().removesuffix(".0")
    if not text:
        return ""
    text = _CITIZENSHIP_SPELLINGS.get(text, text)
    return text if text in CITIZENSHIPS else None


def validate(raw: Mapping[str, object], label) -> tuple[dict[str, str], dict[str, str]]:
    """The details of ``raw`` cleaned, and the problems per field (``label`` names a field)."""
    if raw.get("religion") is None and raw.get("citizenship") is None and raw.get("occupation") is None:
        return dict(_UNKNOWN), {}  # a listing without these columns (the common import)
    values, errors = {}, {}
    religion = parse_religion(raw.get("religion"))
    if religion is None:
        errors["religion"] = bad_choice(label("religion"), raw.get("religion"), ", ".join(RELIGIONS))
    citizenship = parse_citizenship(raw.get("citizenship"))
    if citizenship is None:
        errors["citizenship"] = bad_choice(label("citizenship"), raw.get("citizenship"), ", ".join(CITIZENSHIPS))
    occupation = squash(raw.get("occupation")).upper()
    if len(occupation) > MAX_OCCUPATION:
        errors["occupation"] = t("field.too_long", field=label("occupation"), max=MAX_OCCUPATION)
    values.update(religion=religion or "", citizenship=citizenship or "", occupation=occupation)
    return values, errors
