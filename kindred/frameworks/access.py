"""Who may see and change self-evaluations (the rules of kindred/accounts/access.py, applied here).

- A school's self-evaluation page is part of its private area: its staff, its system leaders and
  site administrators read it (`school_for_user`); outsiders get 404.
- Its own evaluation is kept by its leaders and administrators; each member of staff may add
  their own view; the services check both.
- A file attached to the school's own evaluation is downloaded by whoever may read that evaluation
  (the page's rule) and removed by its leaders; to everyone else it does not exist (404).
- What the school says about itself (its ratings, domain scores, strengths and needs) is shown
  wherever it appears (the network heatmap, plans' suggestions, brokered partnerships, offer
  matching) only to those who may read its self-evaluation, and to the members of its networks
  (in those networks' pages) when its leaders share it (`SelfEvalSharing`); see docs/privacy.md.
- A peer review is rated by the leaders and administrators of the reviewing school; to everyone
  else it does not exist (404). Reviewers see the standards, not the school's own ratings.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kindred.accounts.access import Access, school_access
from kindred.accounts.models import SchoolStaff, User
from kindred.frameworks.models import EvidenceFile, PeerReview, SelfEvalSharing
from kindred.frameworks.services import LEADER_ROLES
from kindred.networks.access import is_network_member


def may_see_selfeval(user: User, school) -> bool:
    """Whether `user` may read the school's self-evaluation: the rule of `school_for_user`, for
    pages (the school page) that show part of it without raising 404."""
    return school_access(user, school) > Access.NONE


def shares_selfeval(school_ids) -> set[int]:
    """The schools among `school_ids` whose leaders share their self-evaluation with their networks."""
    return set(
        SelfEvalSharing.objects.filter(school_id__in=list(school_ids), with_networks=True).values_list(
            "school_id", flat=True
        )
    )


def selfeval_visible(user: User, schools, *, network=None) -> set[int]:
    """The pks of `schools` whose self-evaluation `user` may see: their own staff, the system leaders
    over them and site administrators always; in `network`'s pages, its members too for the
    schools that share theirs."""
    schools = list(schools)
    visible = {school.pk for school in schools if may_see_selfeval(user, school)}
    if network is not None and len(visible) < len(schools) and is_network_member(user, network):
        visible |= shares_selfeval(school.pk for school in schools)
    return visible


def is_school_leader(user: User, school) -> bool:
    return bool(
        user.is_authenticated
        and (
            user.is_superuser
            or SchoolStaff.objects.filter(user=user, school=school, role__in=LEADER_ROLES).exists()
        )
    )


def is_school_staff(user: User, school) -> bool:
    return bool(user.is_authenticated and SchoolStaff.objects.filter(user=user, school=school).exists())


def peer_review_for_reviewer(user: User, pk: int) -> PeerReview:
    """The peer review if `user` leads the reviewing school; 404 otherwise."""
    review = get_object_or_404(
        PeerReview.objects.select_related("school", "reviewer_school", "version__framework"), pk=pk
    )
    if not (
        user.is_authenticated
        and SchoolStaff.objects.filter(
            user=user, school=review.reviewer_school, role__in=LEADER_ROLES
        ).exists()
    ):
        raise Http404("No such peer review.")
    return review


def evidence_file_for_user(user: User, pk: int) -> EvidenceFile:
    """The evidence file if `user` may read the school's self-evaluation it belongs to; 404 otherwise."""
    item = get_object_or_404(EvidenceFile.objects.select_related("evaluation__school", "standard"), pk=pk)
    if not may_see_selfeval(user, item.evaluation.school):
        raise Http404("No such file.")
    return item
