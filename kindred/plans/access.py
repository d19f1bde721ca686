"""Plans follow their network's rules (kindred/networks/access.py): whoever may see the network
reads its plans; its coordinators change them; outsiders of a private network get 404."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from kindred.accounts.models import User
from kindred.networks.access import network_for_user, networks_visible_q
from kindred.networks.models import Network
from kindred.plans.models import Action, DevelopmentPlan, Priority


def plan_for_user(user: User, pk: int, *, write: bool = False) -> DevelopmentPlan:
    plan = get_object_or_404(DevelopmentPlan, pk=pk)
    plan.network = network_for_user(user, plan.network_id, write=write)
    return plan


def plans_visible_q(user: User) -> Q:
    """A filter on DevelopmentPlan for a list of the plans `user` may read (the API's /plans): those
    of the networks `networks_visible_q` lists. `plan_for_user` lets one more person read a private
    network's plan by its id: the leader of a school invited to it, who reads the network to
    decide; as /networks, the list leaves such networks out."""
    return Q(network_id__in=Network.objects.filter(networks_visible_q(user)).values("pk"))


def priority_for_user(user: User, pk: int, *, write: bool = False) -> Priority:
    priority = get_object_or_404(Priority.objects.select_related("plan"), pk=pk)
    priority.plan = plan_for_user(user, priority.plan_id, write=write)
    return priority


def action_for_user(user: User, pk: int) -> Action:
    action = get_object_or_404(Action.objects.select_related("priority__plan", "owner_school"), pk=pk)
    action.priority.plan = plan_for_user(user, action.priority.plan_id)
    return action
