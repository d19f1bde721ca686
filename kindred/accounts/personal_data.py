"""Everything Kindred keeps about a person, for the download on their profile page (`data.json`).

Issue 20, item 4: the download must hold *everything*, not a hand-kept list that new features
forget. So besides the account's own sections (`selectors.personal_data`), every table of every
app that points at the person — a foreign key or one-to-one (their profile, posts, connections,
registrations, feed tokens, e-mails, ratings, …) — is walked (`records`): each row that is theirs
with all its columns, and each row that only names them among others (a post mentioning them)
as a reference. Data that points at them only through another row (the files attached to their
posts) is added by its app through `personal_data_register` (a hook: accounts sits below those
apps and does not import them).

Secrets are listed as kept but not shown: password hashes, two-factor keys, hashes of tokens.
"""

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.db.models.fields.files import FieldFile

# Tables already in the download's own sections (selectors.personal_data), so not walked again.
OWN_SECTIONS = {
    "accounts.user",
    "accounts.schoolstaff",
    "accounts.regionalrole",
    "accounts.joinrequest",
    "accounts.invitation",
    "audit.auditevent",
}
SECRET = re.compile(r"password|secret|hash|^key$|^claim$|^session_key$|^session_data$")
HIDDEN = "(kept, not shown: a secret)"

_extra: dict[str, Callable[[Any], list[dict]]] = {}


def personal_data_register(label: str, rows: Callable[[Any], list[dict]]) -> None:
    """Add rows about a person that no column of theirs points at (called in an AppConfig.ready)."""
    _extra[label] = rows


def plain(value: Any) -> Any:
    """A column's value as JSON."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return str(value)


def _user_fields(model) -> tuple[list, list]:
    user_model = apps.get_model("accounts", "User")
    own, named = [], []
    for field in model._meta.get_fields():
        if not field.concrete or field.related_model is not user_model:
            continue
        if field.many_to_one or field.one_to_one:
            own.append(field)
        elif field.many_to_many:
            named.append(field)
    return own, named


def _row(obj: models.Model, labels: dict) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if SECRET.search(field.name):
            row[field.name] = HIDDEN if getattr(obj, field.attname) else None
        elif field.is_relation:
            related_id = getattr(obj, field.attname)
            if related_id is None:
                row[field.name] = None
                continue
            key = (field.related_model, related_id)
            if key not in labels:  # each thread, network or school named once per download
                labels[key] = str(getattr(obj, field.name))[:200]
            row[field.name] = {"id": plain(related_id), "label": labels[key]}
        else:
            row[field.name] = plain(getattr(obj, field.attname))
    return row


def records(user) -> dict[str, list[dict]]:
    """Every row of every app that is the person's or names them, by table ("app.model")."""
    out: dict[str, list[dict]] = {}
    labels: dict = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in OWN_SECTIONS:
            continue
        own, named = _user_fields(model)
        if not own and not named:
            continue
        rows: list[dict] = []
        mine = Q()
        for field in own:
            mine |= Q(**{field.name: user})
        if own:
            rows.extend(_row(obj, labels) for obj in model._base_manager.filter(mine).order_by("pk"))
        if named:
            names = Q()
            for field in named:
                names |= Q(**{field.name: user})
            others = model._base_manager.filter(names)
            if own:
                others = others.exclude(mine)
            rows.extend(
                {"id": plain(obj.pk), "names_you": True, "label": str(obj)[:200]}
                for obj in others.distinct().order_by("pk")
            )
        if rows:
            out[label] = rows
    for label, extra in sorted(_extra.items()):
        rows = extra(user)
        if rows:
            out.setdefault(label, []).extend(rows)
    return out
