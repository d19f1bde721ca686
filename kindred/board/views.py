"""Pages of the messageboard: short views calling access, selectors and services."""

import json
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.board import access, delivery, push, search, selectors, services, webpush
from kindred.board.forms import (
    EditForm,
    LevelForm,
    NotificationSettingsForm,
    PostForm,
    ReportForm,
    SearchForm,
    ThreadForm,
)
from kindred.board.models import ThreadRead
from kindred.core.actions import confirmation_page, confirmed, refusal_shown
from kindred.core.attachments import download
from kindred.library import selectors as library_selectors
from kindred.networks.access import reached_network_ids
from kindred.networks.models import Network

LIBRARY_SHOWN = 10  # the library's matches shown beside the posts; the library's own search has them all


@require_GET
@login_required
def boards(request):
    """The boards of every network the person belongs to (and of the communities of communities
    above them, whose announcements reach them), with unread counts."""
    networks = list(Network.objects.filter(pk__in=reached_network_ids(request.user)).order_by("name"))
    unread = selectors.unread_counts_by_network(user=request.user, network_ids=[n.pk for n in networks])
    for network in networks:
        network.unread = unread.get(network.pk, 0)
    request.unread_posts = sum(unread.values())  # the navigation's count (board.context_processors.unread)
    return render(request, "board/boards.html", {"networks": networks, "unread_total": request.unread_posts})


@require_GET
@login_required
def board(request, network_pk: int):
    network = access.board_for_user(request.user, network_pk)
    moderator = access.can_moderate(request.user, network)
    return render(
        request,
        "board/board.html",
        {
            "network": network,
            "page_obj": selectors.board_threads(
                network=network, user=request.user, page=request.GET.get("page", 1)
            ),
            "can_post": network.viewer_is_member
            and network.status != Network.Status.CLOSED
            and access.may_start_thread(request.user, network),
            "announcements": network.has_member_networks,
            "can_moderate": moderator,
            "reports": selectors.open_reports(network=network) if moderator else [],
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def thread_create(request, network_pk: int):
    network = access.board_for_user(request.user, network_pk, post=True)
    if not access.may_start_thread(request.user, network):
        raise PermissionDenied("Only the coordinators post announcements to every member network.")
    form = ThreadForm(request.POST or None, request.FILES or None)
    moderator = access.can_moderate(request.user, network)
    if not moderator:
        del form.fields["pinned"]
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            thread = services.thread_create(
                network=network,
                by=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                pinned=form.cleaned_data.get("pinned", False),
            )
        if attempt.ok:
            return redirect(thread)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "board/thread_form.html",
        {"network": network, "form": form},
        status=status,
    )


def _post_id(request) -> int | None:
    try:
        return int(request.GET["post"])
    except (KeyError, ValueError):
        return None


@require_GET
@login_required
def thread_detail(request, pk: int):
    thread = access.thread_for_user(request.user, pk)
    member = thread.network.viewer_is_member
    reads = thread.network.viewer_reads
    page_obj, last_read, level = selectors.thread_page(
        thread=thread, user=request.user, page=request.GET.get("page"), post_id=_post_id(request)
    )
    posts = list(page_obj.object_list)
    first_new = next((p.pk for p in posts if p.pk > last_read and p.author_id != request.user.pk), None)
    if posts and reads:
        services.thread_mark_read(thread=thread, user=request.user, up_to_post_id=posts[-1].pk)
    return render(
        request,
        "board/thread.html",
        {
            "thread": thread,
            "network": thread.network,
            "page_obj": page_obj,
            "posts": posts,
            "first_new": first_new if last_read else None,
            "level": level,
            "level_form": LevelForm(initial={"level": level}),
            "reply_form": PostForm(),
            "can_post": member and thread.network.status != Network.Status.CLOSED,
            "can_moderate": access.can_moderate(request.user, thread.network),
        },
    )


@require_POST
@login_required
def post_reply(request, pk: int):
    thread = access.thread_for_user(request.user, pk, post=True)
    form = PostForm(request.POST, request.FILES)
    if form.is_valid():
        with refusal_shown(form) as attempt:
            post = services.post_reply(
                thread=thread,
                by=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        if attempt.ok:
            return redirect(post)
    return render(request, "board/reply_form.html", {"thread": thread, "form": form}, status=400)


@require_POST
@login_required
def thread_level(request, pk: int):
    thread = access.thread_for_user(request.user, pk)
    if not thread.network.viewer_reads:  # members, and the people a community's announcements reach
        raise PermissionDenied("Only the board's readers follow or mute its threads.")
    form = LevelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose normal, following or muted."))
        return redirect(thread)
    services.thread_level_set(thread=thread, user=request.user, level=form.cleaned_data["level"])
    messages.success(
        request,
        {
            ThreadRead.Level.FOLLOWING: _("You follow this thread: replies reach you at once."),
            ThreadRead.Level.MUTED: _(
                "Thread muted: it stays out of your unread counts and e-mails at once."
            ),
        }.get(form.cleaned_data["level"], _("Notifications for this thread are back to normal.")),
    )
    return redirect(thread)


@require_POST
@login_required
def thread_pin(request, pk: int):
    thread = access.thread_for_user(request.user, pk, moderate=True)
    services.thread_pin(thread=thread, by=request.user, pinned=request.POST.get("pinned") == "1")
    return redirect(thread)


@require_http_methods(["GET", "POST"])
@login_required
def post_edit(request, pk: int):
    post = access.post_for_user(request.user, pk, own=True)
    form = EditForm(request.POST or None, initial={"body": post.body})
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.post_edit(post=post, by=request.user, body=form.cleaned_data["body"])
        if attempt.ok:
            return redirect(post)
    return render(
        request,
        "board/post_edit.html",
        {"post": post, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def post_delete(request, pk: int):
    """Delete one's own post, after the confirmation page (without JavaScript too)."""
    post = access.post_for_user(request.user, pk, own=True)
    if not confirmed(request):
        return confirmation_page(
            request,
            question=_("Delete your post?"),
            consequence=_(
                "Its text and attachments disappear for everyone; the thread shows that a post was deleted "
                "by its author. This cannot be undone."
            ),
            button=_("Delete the post"),
            back=post.get_absolute_url(),
            back_label=_("No, keep the post"),
        )
    services.post_delete(post=post, by=request.user)
    messages.success(request, _("Your post was deleted."))
    return redirect(post)


@require_POST
@login_required
def post_hide(request, pk: int):
    post = access.post_for_user(request.user, pk, moderate=True)
    services.post_hide(post=post, by=request.user, hidden=request.POST.get("hidden", "1") == "1")
    return redirect(post)


@require_http_methods(["GET", "POST"])
@login_required
def post_report(request, pk: int):
    post = access.post_for_user(request.user, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_shown(form) as attempt:
            services.post_report(post=post, by=request.user, reason=form.cleaned_data["reason"])
        if attempt.ok:
            messages.success(request, _("Thank you: the network's coordinators will look at this post."))
            return redirect(post)
    return render(
        request,
        "board/post_report.html",
        {"post": post, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@login_required
def attachment(request, pk: int):
    item = access.attachment_for_user(request.user, pk)
    return download(item.file, filename=item.name, content_type=item.content_type)


@require_GET
@login_required
def search_view(request):
    form = SearchForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page_obj = (
        search.search_posts(user=request.user, text=text, page=request.GET.get("page", 1)) if text else None
    )
    # The library's resources the person may see, beside the posts (on the first page of posts).
    resources = (
        library_selectors.search_resources(user=request.user, text=text)
        if text and page_obj.number == 1
        else None
    )
    return render(
        request,
        "board/search.html",
        {
            "form": form,
            "text": text,
            "page_obj": page_obj,
            "resources": list(resources[:LIBRARY_SHOWN]) if resources is not None else [],
            "resource_count": resources.count() if resources is not None else 0,
            "library_url": f"{reverse('library:index')}?{urlencode({'q': text})}",
            "querystring_without_page": urlencode({"q": text}) + "&" if text else "",
        },
    )


@require_GET
@login_required
def notifications(request):
    return render(
        request,
        "board/notifications.html",
        {"page_obj": selectors.notifications_for(user=request.user, page=request.GET.get("page", 1))},
    )


@require_http_methods(["GET", "POST"])
@login_required
def notification_settings(request):
    row = delivery.settings_for(request.user)
    form = NotificationSettingsForm(request.POST or None, instance=row)
    if request.method == "POST":
        if form.is_valid():
            services.notification_settings_set(
                user=request.user,
                email_at_once=form.cleaned_data["email_at_once"],
                digest=form.cleaned_data["digest"],
                mentions_in_muted_threads=form.cleaned_data["mentions_in_muted_threads"],
            )
            messages.success(request, _("Your e-mail choices are saved."))
            return redirect("board_notification_settings")
        return render(
            request, "board/notification_settings.html", _settings_context(request, form), status=400
        )
    return render(request, "board/notification_settings.html", _settings_context(request, form))


def _settings_context(request, form) -> dict:
    devices = push.devices_of(request.user)
    return {
        "form": form,
        "push_enabled": webpush.enabled(),
        "vapid_public_key": webpush.vapid_public_key() if webpush.enabled() else "",
        "devices": devices,
        # app.js tells from these whether this browser's subscription is one of the person's
        "endpoints_json": json.dumps([device.endpoint for device in devices]),
    }


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
@login_required
def push_subscribe(request):
    """Keep this browser's push subscription (posted by app.js after the browser made it)."""
    try:
        push.push_subscribe(
            user=request.user,
            endpoint=request.POST.get("endpoint", ""),
            p256dh=request.POST.get("p256dh", ""),
            auth_secret=request.POST.get("auth", ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except push.PushRefused as refused:
        return JsonResponse({"ok": False, "error": str(refused)}, status=400)
    return JsonResponse({"ok": True}, status=201)


@require_POST
@login_required
def push_unsubscribe(request):
    """Turn push off for one of the person's browsers: this one (app.js posts its endpoint) or one
    listed on the settings page (a form, without JavaScript). Someone else's is not found."""
    device = request.POST.get("device", "")
    if device and not device.isdigit():
        raise Http404
    removed = push.push_unsubscribe(
        user=request.user,
        endpoint=request.POST.get("endpoint", ""),
        device_id=int(device) if device else None,
    )
    if _wants_json(request):
        return JsonResponse({"ok": True, "removed": removed})
    if device and not removed:
        raise Http404
    if removed:
        messages.success(request, _("Push notifications are off for that device."))
    return redirect(reverse("board_notification_settings") + "#push")


@csrf_exempt  # RFC 8058: mail programs POST here with no session and no CSRF token; the signed link is the proof.
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """One-click unsubscribe. GET asks (link scanners must not unsubscribe anyone); POST does it."""
    try:
        user_id, kind = delivery.unsubscribe_read(token)
    except signing.BadSignature:
        return render(request, "board/unsubscribe.html", {"invalid": True}, status=400)
    if request.method == "POST":
        try:
            delivery.unsubscribe(user_id=user_id, kind=kind)
        except signing.BadSignature:
            return render(request, "board/unsubscribe.html", {"invalid": True}, status=400)
        return render(request, "board/unsubscribe.html", {"done": True, "kind": kind})
    return render(request, "board/unsubscribe.html", {"kind": kind})
