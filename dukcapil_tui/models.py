"""Tables only. The schema itself is created by ``migrations``; these classes map onto it."""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from dukcapil_tui.db import database


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()


class Region(BaseModel):
    code = CharField(primary_key=True)
    name = CharField()
    level = CharField()  # provinsi, kabupaten, kota, kecamatan, desa, kelurahan
    parent_code = CharField(null=True)


class AppUser(BaseModel):
    username = CharField(unique=True, collation="NOCASE")
    full_name = CharField()
    role = CharField()
    password_hash = CharField()
    active = BooleanField(default=True)
    failed_logins = IntegerField(default=0)
    locked_until = DateTimeField(null=True)
    created_at = DateTimeField()
    last_login_at = DateTimeField(null=True)


class Resident(BaseModel):
    uuid = CharField(unique=True)
    nik = CharField(unique=True)
    name = CharField(collation="NOCASE")
    birth_place = CharField(default="")
    birth_date = DateField()
    sex = CharField()
    desa_code = CharField()
    kecamatan_code = CharField()
    address = CharField(default="")
    rt = CharField(default="")
    rw = CharField(default="")
    marital_status = CharField()
    recording_status = CharField()
    life_status = CharField(default="hidup")  # hidup, mati, pindah, hilang
    life_status_on = DateField(null=True)  # the day it stopped being hidup
    name_protected = BooleanField(default=False)  # an open handling note forbids speaking the name
    religion = CharField(default="")  # agama; empty: not known
    occupation = CharField(default="")  # pekerjaan; empty: not known
    citizenship = CharField(default="")  # WNI, WNA; empty: not known
    marital_known = BooleanField(default=True)  # False: assumed BELUM KAWIN (a listing without it)
    # Digest of the listing row an import stored these values from; any other write clears it
    # (migration 15's trigger), so an import skips only rows nothing has changed since.
    import_hash = BigIntegerField(null=True)
    workstation = CharField()
    created_at = DateTimeField()
    updated_at = DateTimeField()


class AuditLog(BaseModel):
    at = DateTimeField()
    user = ForeignKeyField(AppUser, null=True, column_name="user_id", backref="audit_entries")
    username = CharField()
    workstation = CharField()
    action = CharField()
    entity = CharField()
    entity_id = CharField(null=True)
    changes = TextField(default="{}")
    chain = CharField(null=True)  # HMAC chain link (services/chain.py)


ALL_MODELS = [Setting, Region, AppUser, Resident, AuditLog]


class Service(BaseModel):
    code = CharField(unique=True)
    name = CharField()
    prefix = CharField(unique=True)
    daily_quota = IntegerField(null=True)
    records_biometrics = BooleanField(default=False)
    card_reason = CharField(null=True)
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)


class Counter(BaseModel):
    number = IntegerField(primary_key=True)
    name = CharField()
    service_codes = CharField(default="")
    active = BooleanField(default=True)

    @property
    def codes(self) -> list[str]:
        return [c for c in self.service_codes.split(",") if c]


class Ticket(BaseModel):
    uuid = CharField(unique=True)
    service = ForeignKeyField(Service, column_name="service_id", backref="tickets")
    day = DateField()
    number = IntegerField()
    resident = ForeignKeyField(Resident, null=True, column_name="resident_id", backref="tickets")
    visitor_name = CharField(default="")
    priority = CharField(null=True)
    channel = CharField()
    notes = TextField(default="")
    status = CharField()
    counter = IntegerField(null=True)
    recalls = IntegerField(default=0)
    booked_at = DateTimeField(null=True)
    checked_in_at = DateTimeField(null=True)
    queued_at = DateTimeField()
    hold_reason = TextField(default="")
    outcome = CharField(null=True)
    outcome_note = TextField(default="")
    device = CharField(default="")
    transferred_from = ForeignKeyField("self", null=True, column_name="transferred_from_id", backref="transfers")
    carried_over = BooleanField(default=False)
    created_at = DateTimeField()
    workstation = CharField()


class TicketEvent(BaseModel):
    ticket = ForeignKeyField(Ticket, column_name="ticket_id", backref="events")
    at = DateTimeField()
    event = CharField()
    from_status = CharField(null=True)
    to_status = CharField()
    username = CharField()
    counter = IntegerField(null=True)
    detail = TextField(default="{}")


class Card(BaseModel):
    uuid = CharField(unique=True)
    resident = ForeignKeyField(Resident, column_name="resident_id", backref="cards")
    reason = CharField()
    priority = BooleanField(default=False)
    status_changed_at = DateTimeField(null=True)
    kecamatan_code = CharField(default="")  # where the resident lived when recorded (set by a trigger)
    holder_desa_code = CharField(default="")  # where the holder lives now (card_status and triggers keep it)
    recorded_at = DateTimeField()
    recorded_where = CharField()
    ticket = ForeignKeyField(Ticket, null=True, column_name="ticket_id", backref="cards")
    central_status = CharField()
    office_status = CharField()
    site_code = CharField(null=True)  # the recording site (recording_site.code); None: a listing did not say
    origin = CharField(default="loket")  # loket (made here) or siak (from a SIAK listing)
    workstation = CharField()
    created_at = DateTimeField()
    updated_at = DateTimeField()


class CardEvent(BaseModel):
    card = ForeignKeyField(Card, column_name="card_id", backref="events")
    at = DateTimeField()
    central_status = CharField()
    office_status = CharField()
    username = CharField()
    source = CharField()
    note = TextField(default="")
    audit_id = IntegerField(null=True)  # the audit entry of the transaction that wrote it (0: before v7)


ALL_MODELS += [Service, Counter, Ticket, TicketEvent, Card, CardEvent]


class PrintBatch(BaseModel):
    created_at = DateTimeField()
    username = CharField()
    workstation = CharField()
    size = IntegerField()
    closed_at = DateTimeField(null=True)


class PrintJob(BaseModel):
    batch = ForeignKeyField(PrintBatch, column_name="batch_id", backref="jobs")
    card = ForeignKeyField(Card, column_name="card_id", backref="print_jobs")
    result = CharField(null=True)
    reason = CharField(null=True)
    at = DateTimeField(null=True)
    username = CharField(null=True)


class Handover(BaseModel):
    card = ForeignKeyField(Card, column_name="card_id", unique=True, backref="handovers")
    at = DateTimeField()
    collected_by = CharField()
    collector_name = CharField()
    relation = CharField(default="")
    receipt_no = CharField(unique=True)
    id_checked = BooleanField()
    username = CharField()
    workstation = CharField()


class Suket(BaseModel):
    uuid = CharField(unique=True)
    number = CharField(unique=True)
    year = IntegerField()
    seq = IntegerField()
    resident = ForeignKeyField(Resident, column_name="resident_id", backref="sukets")
    card = ForeignKeyField(Card, column_name="card_id", backref="sukets")
    issued_at = DateTimeField()
    username = CharField()
    status = CharField()
    closed_at = DateTimeField(null=True)
    closed_reason = CharField(null=True)  # handover, card_issued, renewed
    valid_until = DateField(null=True)  # the last day the letter stands in for the card
    renews = ForeignKeyField("self", null=True, column_name="renews_id", backref="renewals")


class BlangkoMovement(BaseModel):
    uuid = CharField(unique=True)
    at = DateTimeField()
    day = DateField()
    kind = CharField()
    quantity = IntegerField()
    reference = CharField(default="")
    source = CharField(default="")
    note = TextField(default="")
    card = ForeignKeyField(Card, null=True, column_name="card_id", backref="movements")
    username = CharField()
    workstation = CharField()
    corrects = ForeignKeyField("self", null=True, column_name="corrects_id", backref="corrections")
    chain = CharField(null=True)  # HMAC chain link (services/chain.py)


class BlangkoCorrection(BaseModel):
    """A request to correct a wrong ledger entry; approved by the head, it becomes a correction
    movement (``correction_movement``) that references the entry."""

    movement = ForeignKeyField(BlangkoMovement, column_name="movement_id", backref="correction_requests")
    quantity = IntegerField()  # what the entry should have been (0: it should not exist)
    delta = IntegerField()
    reason = TextField()
    requested_by = CharField()
    requested_at = DateTimeField()
    workstation = CharField()
    status = CharField()
    decided_by = CharField(null=True)
    decided_at = DateTimeField(null=True)
    correction_movement = ForeignKeyField(BlangkoMovement, null=True, column_name="correction_movement_id")


class BlangkoMonth(BaseModel):
    month = CharField(primary_key=True)
    closed_at = DateTimeField()
    username = CharField()
    closing_balance = IntegerField()


class Destruction(BaseModel):
    berita_acara_no = CharField(unique=True)
    day = DateField()
    at = DateTimeField()
    username = CharField()
    count = IntegerField()


class SpoiledCard(BaseModel):
    """A spoiled blank (``kind`` blangko, with its ledger movement) or an old card withdrawn from
    its holder (``ditarik``, no movement), kept until destroyed under a berita acara."""

    at = DateTimeField()
    day = DateField()
    kind = CharField(default="blangko")
    nik = CharField(null=True)
    card = ForeignKeyField(Card, null=True, column_name="card_id", backref="spoils")
    reason = CharField()
    movement = ForeignKeyField(BlangkoMovement, null=True, column_name="movement_id", backref="spoils")
    destruction = ForeignKeyField(Destruction, null=True, column_name="destruction_id", backref="cards")
    username = CharField()
    note = TextField(default="")


class StockCount(BaseModel):
    at = DateTimeField()
    day = DateField()
    counted = IntegerField()
    computed = IntegerField()
    note = TextField(default="")
    username = CharField()
    status = CharField()
    decided_by = CharField(null=True)
    decided_at = DateTimeField(null=True)
    movement = ForeignKeyField(BlangkoMovement, null=True, column_name="movement_id", backref="counts")


ALL_MODELS += [PrintBatch, PrintJob, Handover, Suket, BlangkoMovement, BlangkoCorrection, BlangkoMonth, Destruction,
               SpoiledCard, StockCount]


class WajibKtpFigure(BaseModel):
    """Per-desa wajib KTP counts imported from outside (e.g. DAK2), the capaian denominator
    of an office whose resident register is incomplete."""

    desa_code = CharField(primary_key=True)
    male = IntegerField()
    female = IntegerField()
    note = TextField(default="")
    source_file = CharField()
    imported_at = DateTimeField()
    username = CharField()


class CetakFigure(BaseModel):
    """SIAK's cumulative printed cards per desa as at a day, imported for the capaian recap."""

    desa_code = CharField(primary_key=True)
    printed = IntegerField()
    as_of = DateField()
    source_file = CharField()
    imported_at = DateTimeField()
    username = CharField()


ALL_MODELS += [WajibKtpFigure, CetakFigure]


class Workstation(BaseModel):
    """A workstation the admin registered; the app on it proves itself with its token."""

    code = CharField(primary_key=True)
    name = CharField(default="")
    token_hash = CharField()
    active = BooleanField(default=True)
    created_at = DateTimeField()
    created_by = CharField()
    site_code = CharField(null=True)  # where its recordings are made (None: the Dinas)


ALL_MODELS += [Workstation]


class RecordingSite(BaseModel):
    """A place that records biometrics: the Dinas, a kecamatan's UPT, a mobile unit."""

    code = CharField(primary_key=True)
    name = CharField()
    kind = CharField()  # dinas, upt, keliling, lain
    kecamatan_code = CharField(null=True)
    active = BooleanField(default=True)
    created_at = DateTimeField()
    created_by = CharField()


ALL_MODELS += [RecordingSite]


class FieldKey(BaseModel):
    """The office's field secret (one row): every field package's key is derived from it."""

    secret = CharField()


class FieldPackage(BaseModel):
    """A field package this office prepared for a laptop."""

    uuid = CharField(primary_key=True)
    created_at = DateTimeField()
    username = CharField()
    workstation = CharField()
    laptop = CharField()  # the laptop's workstation code: its recordings carry it
    site_code = CharField(null=True)
    desa_codes = TextField()  # comma-separated
    residents = IntegerField()


class FieldMerge(BaseModel):
    """A field result merged back; a second merge of the same file adds nothing."""

    result_uuid = CharField(unique=True)
    package_uuid = CharField()
    laptop = CharField()
    merged_at = DateTimeField()
    username = CharField()
    workstation = CharField()
    summary = TextField(default="{}")


class FieldBase(BaseModel):
    """In a field database: a resident as the package carried them (JSON), to find field edits."""

    uuid = CharField(primary_key=True)
    data = TextField()


ALL_MODELS += [FieldKey, FieldPackage, FieldMerge, FieldBase]


class DayLock(BaseModel):
    """A day the head locked after reviewing it; an admin's unlock (with a reason) ends it. A
    day's earlier locks stay as its history."""

    day = DateField()
    locked_at = DateTimeField()
    locked_by = CharField()
    summary = TextField(default="{}")  # the review's figures when the day was locked (JSON)
    unlocked_at = DateTimeField(null=True)
    unlocked_by = CharField(null=True)
    unlock_reason = TextField(null=True)


class BlangkoRequest(BaseModel):
    """Blanks asked of the province (or Kemendagri) by letter; receipts deliver them."""

    uuid = CharField(unique=True)
    day = DateField()
    quantity = IntegerField()
    letter_no = CharField()
    addressed_to = CharField(default="")
    note = TextField(default="")
    username = CharField()
    workstation = CharField()
    created_at = DateTimeField()
    closed_at = DateTimeField(null=True)
    closed_by = CharField(null=True)
    closed_reason = TextField(null=True)


class BlangkoDelivery(BaseModel):
    """A receipt that delivers (part of) a request."""

    movement = ForeignKeyField(BlangkoMovement, primary_key=True, column_name="movement_id", backref="delivery")
    request = ForeignKeyField(BlangkoRequest, column_name="request_id", backref="deliveries")


class ReportSent(BaseModel):
    """A monthly report of a period sent upward: when and how."""

    report = CharField()
    period = CharField()  # YYYY-MM
    sent_on = DateField()
    via = CharField()
    reference = CharField(default="")
    note = TextField(default="")
    username = CharField()
    recorded_at = DateTimeField()


ALL_MODELS += [DayLock, BlangkoRequest, BlangkoDelivery, ReportSent]


class Device(BaseModel):
    """A recording set, one of its parts, or a card printer, at a recording site."""

    uuid = CharField(unique=True)
    kind = CharField()  # recording_set, camera, fingerprint, iris, signature_pad, pc, card_printer
    serial = CharField(default="")
    name = CharField(default="")
    site_code = CharField()
    parent = ForeignKeyField("self", null=True, column_name="parent_id", backref="parts")
    status = CharField(default="in_service")  # in_service, broken, in_repair
    created_at = DateTimeField()
    created_by = CharField()
    workstation = CharField()


class DeviceEvent(BaseModel):
    """A dated change of a device (append-only): added, broken, a failed recording at a counter
    (its ticket), sent for repair (where, the document), repaired."""

    device = ForeignKeyField(Device, column_name="device_id", backref="events")
    day = DateField()
    at = DateTimeField()
    kind = CharField()
    status = CharField()  # the device's status after the event
    site_code = CharField()  # the device's site after the event
    repair_place = CharField(default="")
    document = CharField(default="")
    ticket = ForeignKeyField(Ticket, null=True, column_name="ticket_id", backref="device_events")
    note = TextField(default="")
    username = CharField()
    workstation = CharField()


class Outage(BaseModel):
    """A network cut, central-server block, power cut or device failure, for the whole office
    (``site_code`` None) or one recording site; open while ``ended_at`` is None."""

    uuid = CharField(unique=True)
    kind = CharField()  # network, central, power, device
    site_code = CharField(null=True)
    started_at = DateTimeField()
    ended_at = DateTimeField(null=True)
    note = TextField(default="")
    created_at = DateTimeField()
    created_by = CharField()
    workstation = CharField()
    ended_by = CharField(null=True)
    end_note = TextField(default="")


class HandlingNote(BaseModel):
    """How a resident must be served: a name not to be spoken, recording at home, another note."""

    uuid = CharField(unique=True)
    resident = ForeignKeyField(Resident, column_name="resident_id", backref="handling_notes")
    kind = CharField()  # name_unspoken, home_recording, other
    note = TextField(default="")
    created_at = DateTimeField()
    created_by = CharField()
    workstation = CharField()
    ended_at = DateTimeField(null=True)
    ended_by = CharField(null=True)
    end_reason = TextField(null=True)


ALL_MODELS += [Device, DeviceEvent, Outage, HandlingNote]
