"""Who may see a consultation (the rules of kindred/accounts/access.py, applied here).

- Its owner and site administrators manage it and read its results, answers and their schools:
  they are its authorised readers. To everyone else the results do not exist (404). An advisory
  council's consultation is managed and read by every one of the council's leaders (the leaders it
  advises, `services.leads_council`), whoever of them asked it.
- The leaders and administrators of a school it asks answer it for their school; other staff of
  that school may read the questions (403 on answering); anyone else gets 404. When it asks each
  person (`answered_by` "person": a network's survey), every member of staff of an asked school
  answers once for themselves. A council's consultation is answered by its members, each for
  themselves from the school they speak from; nobody else sees it to answer (404).

Advisory councils (issue 23, item 6):

| who                                         | the council's page | invites, ends places, asks, publishes |
|---------------------------------------------|--------------------|---------------------------------------|
| site administrator                          | yes                | yes                                   |
| the leaders it advises (organisation admins or the region's system leaders) | yes | yes     |
| a member, or a person invited to it         | yes                | no (403): answers, leaves             |
| anyone else (a past member too)             | 404                | 404                                   |

A member reads the consultations once they are open, their own answers, and what the leaders
publish back (`Publication`); never another member's answers nor the results page.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import school_for_user
from kindred.accounts.models import SchoolStaff, User
from kindred.voice.models import Consultation, Council, CouncilMember
from kindred.voice.services import audience_schools, leads_council, may_answer


def consultation_for_owner(user: User, pk: int) -> Consultation:
    consultation = get_object_or_404(
        Consultation.objects.select_related("region", "network", "owner", "council"), pk=pk
    )
    if not user.is_authenticated:
        raise Http404("No such consultation.")
    if user.is_superuser or consultation.owner_id == user.pk:
        return consultation
    if consultation.council is not None and leads_council(user, consultation.council):
        return consultation
    raise Http404("No such consultation.")


def consultation_for_school(user: User, pk: int, registry_id: str, *, write: bool = False):
    """(consultation, school) when the school is asked and `user` is its staff; to write, its leaders
    (or any of its staff, when each person answers; a council's member, for a council's)."""
    consultation = get_object_or_404(Consultation.objects.select_related("region", "network"), pk=pk)
    school = school_for_user(user, registry_id)
    is_staff = SchoolStaff.objects.filter(user=user, school=school)
    if consultation.status == Consultation.Status.DRAFT or not is_staff.exists():
        raise Http404("No such consultation.")
    if not audience_schools(consultation).filter(pk=school.pk).exists():
        raise Http404("No such consultation.")
    if consultation.audience == Consultation.Audience.COUNCIL and not may_answer(user, consultation, school):
        raise Http404("No such consultation.")  # a council's consultation is its members' only
    if write and not may_answer(user, consultation, school):
        raise PermissionDenied("The school's leaders answer for it.")
    return consultation, school


def council_place(user: User, council: Council) -> CouncilMember | None:
    """The person's open place on the council (invited or a member), if any."""
    if not user.is_authenticated:
        return None
    return (
        CouncilMember.objects.open()
        .filter(council=council, user=user)
        .select_related("school", "network")
        .first()
    )


def council_for_user(user: User, pk: int, *, write: bool = False) -> Council:
    """A council for its leaders (to change, write=True), and to read for its members and the people
    invited to it; 404 for everyone else, 403 when a member asks to change it."""
    council = get_object_or_404(Council.objects.select_related("organisation", "region"), pk=pk)
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such council.")
    if leads_council(user, council):
        return council
    if council_place(user, council) is None:
        raise Http404("No such council.")
    if write:
        raise PermissionDenied("Only the leaders the council advises change it.")
    return council


def place_for_user(user: User, pk: int, *, ending: bool = False) -> CouncilMember:
    """A place on a council: its person answers the invitation (and, with ending=True, leaves); the
    council's leaders end it. 404 for anyone else."""
    member = get_object_or_404(
        CouncilMember.objects.select_related("council__organisation", "council__region", "user", "school"),
        pk=pk,
    )
    if user.is_authenticated and member.user_id == user.pk:
        return member
    if ending and user.is_authenticated and leads_council(user, member.council):
        return member
    raise Http404("No such place.")


def publication_for_user(user: User, pk: int) -> Consultation:
    """A council's consultation as its members read it once it is open (what the leaders published
    back, their own answers): its members and its leaders; 404 for everyone else."""
    consultation = get_object_or_404(
        Consultation.objects.select_related("council__organisation", "council__region"), pk=pk
    )
    council = consultation.council
    if council is None or not user.is_authenticated or not user.is_active:
        raise Http404("No such consultation.")
    if leads_council(user, council):
        return consultation
    place = council_place(user, council)
    if (
        place is None
        or place.status != CouncilMember.Status.ACTIVE
        or consultation.status == Consultation.Status.DRAFT
    ):
        raise Http404("No such consultation.")
    return consultation
