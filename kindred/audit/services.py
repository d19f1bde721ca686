"""The one way to write the audit log.

Call `audit(actor, action, obj, **details)` from a service function, inside its transaction,
after the change succeeded:

    audit(by, "schools.imported", job, rows=1520, file="edubase.csv")

- `actor`: the user who acted, or None for the system or an anonymous visitor.
- `action`: a dotted lower-case name, `<area>.<verb in the past tense>` ("invitation.accepted").
- `obj`: the model instance acted on, or None. Its type, id and text are stored, so the event
  outlives the object. When the object is a school, or has a `school` attribute, the event is
  also filed under that school's region and local authority, for system leaders to see.
- `details`: JSON-serialisable facts worth keeping (counts, old and new values). Never
  passwords or tokens.
"""

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from kindred.audit.models import AuditEvent

ACTION_PATTERN = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")


#: The registry's school model, by its label rather than imported: the audit log sits below the
#: registry (every app writes it, the registry's importer too), as its table's foreign keys name
#: "schools.School" by string (docs/architecture.md, "Layers").
SCHOOL_MODEL = "schools.school"


def _is_school(obj: Any) -> bool:
    return isinstance(obj, models.Model) and obj._meta.label_lower == SCHOOL_MODEL


def _school_of(obj: Any):
    if _is_school(obj):
        return obj
    school = getattr(obj, "school", None)
    return school if _is_school(school) else None


def audit(actor, action: str, obj: models.Model | None = None, /, **details: Any) -> AuditEvent:
    """Record that `actor` did `action` to `obj`; see the module docstring."""
    if not ACTION_PATTERN.match(action):
        raise ValidationError(f"Audit action {action!r} must look like 'area.verb'.")
    school = _school_of(obj)
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_label=str(obj)[:300] if obj is not None else "",
        school=school,
        region_id=school.region_id if school else None,
        local_authority_id=school.local_authority_id if school else None,
        details=details,
    )
