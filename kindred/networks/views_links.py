"""Pages for communities of communities (issue 23, item 5): a network's member networks, its
invitations and their history; inviting a network, answering an invitation, leaving.

Access: the page is open to whoever sees the network (`network_with_access`); a community's
coordinators invite and withdraw; the invited network's coordinators accept or decline
(`link_for_deciding`); the coordinators of either side end a membership (`link_for_ending`).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kindred.accounts.access import Access
from kindred.core.actions import confirmation_page, confirmed, problem_page, refusal_shown
from kindred.networks import forms, links, selectors
from kindred.networks.access import (
    link_for_deciding,
    link_for_ending,
    network_for_user,
    network_with_access,
    networks_visible_q,
)
from kindred.networks.models import Network, NetworkLink

PAGE_SIZE = 25


def _back_to(network: Network) -> dict:
    return {"back": f"{network.get_absolute_url()}networks/", "back_label": _("Back to the member networks")}


@require_GET
@login_required
def network_links(request, pk: int):
    """A network's member networks (a community of communities), the communities it belongs to, the
    invitations waiting, the history; for a community's coordinators, a search to invite a network."""
    network, access = network_with_access(request.user, pk)
    is_coordinator = access == Access.WRITE
    find = forms.FindNetworkForm(request.GET or None)
    query = find.cleaned_data["q"].strip() if find.is_valid() else ""
    members = Paginator(selectors.member_networks(network, request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    history = Paginator(selectors.link_history(network, request.user), PAGE_SIZE).get_page(
        request.GET.get("history_page")
    )
    may_invite = is_coordinator and network.has_member_networks and network.status != Network.Status.CLOSED
    return render(
        request,
        "networks/links.html",
        {
            "network": network,
            "is_coordinator": is_coordinator,
            "members": members,
            "hidden_members": selectors.hidden_member_networks(network, request.user)
            if network.has_member_networks
            else 0,
            "parents": selectors.parent_links(network, request.user, is_coordinator=is_coordinator),
            "invitations_sent": list(selectors.invitations_sent(network)) if is_coordinator else [],
            "history": history,
            "may_invite": may_invite,
            "find": find,
            "query": query,
            "found": selectors.networks_to_invite(network, request.user, query=query) if may_invite else [],
        },
    )


@require_POST
@login_required
def link_invite(request, pk: int):
    """A community of communities' coordinator invites a network they may see."""
    network = network_for_user(request.user, pk, write=True)
    form = forms.LinkInviteForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    member = Network.objects.filter(networks_visible_q(request.user), pk=form.cleaned_data["member"]).first()
    if member is None:
        return problem_page(request, _("There is no such network that you can see."), **_back_to(network))
    with refusal_shown(request) as attempt:
        links.link_invite(
            parent=network, member=member, by=request.user, message=form.cleaned_data["message"]
        )
    if attempt.ok:
        messages.success(
            request,
            _("%(member)s is invited; it joins when its coordinators accept.")
            % {"member": member.display_name},
        )
    return redirect("networks:links", pk=network.pk)


@require_POST
@login_required
def link_decide(request, pk: int, link_pk: int):
    """The invited network's coordinators accept or decline joining a community of communities."""
    network = network_for_user(request.user, pk)
    link = link_for_deciding(request.user, network, link_pk)
    form = forms.LinkDecisionForm(request.POST)
    if not form.is_valid():
        return problem_page(request, _("Choose accept or decline."), **_back_to(network))
    accept = form.cleaned_data["decision"] == "accept"
    with refusal_shown(request) as attempt:
        links.link_decide(link=link, accept=accept, by=request.user)
    if attempt.ok:
        messages.success(
            request,
            (
                _(
                    "%(member)s is a member of %(parent)s: its announcements and events reach your network's people."
                )
                if accept
                else _("You declined to join %(parent)s.")
            )
            % {"member": network.display_name, "parent": link.parent.display_name},
        )
    return redirect("networks:links", pk=network.pk)


@require_POST
@login_required
def link_end(request, pk: int, link_pk: int):
    """Withdraw an invitation, or end a membership (with a reason, after a confirmation)."""
    network = network_for_user(request.user, pk)
    link = link_for_ending(request.user, network, link_pk)
    form = forms.LinkEndForm(request.POST)
    if not form.is_valid():
        return problem_page(request, form=form, **_back_to(network))
    if link.status == NetworkLink.Status.ACTIVE and not form.cleaned_data["reason"].strip():
        return problem_page(
            request, _("Say why the network leaves; the reason is kept in the history."), **_back_to(network)
        )
    if link.status == NetworkLink.Status.ACTIVE and not confirmed(request):
        return confirmation_page(
            request,
            question=_("Should %(member)s leave %(parent)s?")
            % {"member": link.member.display_name, "parent": link.parent.display_name},
            consequence=_(
                "The community's announcements and events no longer reach the network's people; "
                "the membership stays in the history with the reason."
            ),
            button=_("Leave"),
            back=f"{network.get_absolute_url()}networks/",
            back_label=_("No, stay a member"),
            keep=("reason",),
        )
    with refusal_shown(request) as attempt:
        links.link_end(link=link, by=request.user, reason=form.cleaned_data["reason"])
    if attempt.ok:
        messages.success(request, _("Done: the history keeps it."))
    return redirect("networks:links", pk=network.pk)
