"""Who may see a consultation (the rules of kindred/accounts/access.py, applied here).

- Its owner and site administrators manage it and read its results, answers and their schools:
  they are its authorised readers. To everyone else the results do not exist (404).
- The leaders and administrators of a school it asks answer it for their school; other staff of
  that school may read the questions (403 on answering); anyone else gets 404. When it asks each
  person (`answered_by` "person": a network's survey), every member of staff of an asked school
  answers once for themselves.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import school_for_user
from kindred.accounts.models import SchoolStaff, User
from kindred.voice.models import Consultation
from kindred.voice.services import audience_schools, may_answer


def consultation_for_owner(user: User, pk: int) -> Consultation:
    consultation = get_object_or_404(Consultation.objects.select_related("region", "network", "owner"), pk=pk)
    if not (user.is_authenticated and (user.is_superuser or consultation.owner_id == user.pk)):
        raise Http404("No such consultation.")
    return consultation


def consultation_for_school(user: User, pk: int, registry_id: str, *, write: bool = False):
    """(consultation, school) when the school is asked and `user` is its staff; to write, its leaders
    (or any of its staff, when each person answers)."""
    consultation = get_object_or_404(Consultation.objects.select_related("region", "network"), pk=pk)
    school = school_for_user(user, registry_id)
    is_staff = SchoolStaff.objects.filter(user=user, school=school)
    if consultation.status == Consultation.Status.DRAFT or not is_staff.exists():
        raise Http404("No such consultation.")
    if not audience_schools(consultation).filter(pk=school.pk).exists():
        raise Http404("No such consultation.")
    if write and not may_answer(user, consultation, school):
        raise PermissionDenied("The school's leaders answer for it.")
    return consultation, school
