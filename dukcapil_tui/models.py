"""Tables only. The schema itself is created by ``migrations``; these classes map onto it."""

from __future__ import annotations

from peewee import (
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
    level = CharField()
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


ALL_MODELS = [Setting, Region, AppUser, Resident, AuditLog]
