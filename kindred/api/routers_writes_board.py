"""Writes on a network's messageboard, for a token with the write scope (docs/api.md, "Writing"):
start a thread, reply in one. The board's access rule (board.access: its members write; whoever
else sees the network is refused with 403, the rest 404), its forms and its services (which keep
the per-person limits on posting, notify and write the audit log), as on the board's pages.
Attachments are not taken through the API.
"""

from django.http import HttpRequest
from django.utils.translation import gettext_noop
from ninja import Path, Router, Status

from kindred.api.schemas import MAX_ID, Problem
from kindred.api.schemas_writes import PostIn, PostOut, Refusal, ThreadIn, ThreadOut
from kindred.api.scope import within_token_organisation
from kindred.api.writes import cleaned, within_region, writer
from kindred.board import access, services
from kindred.board.forms import PostForm, ThreadForm
from kindred.board.models import Post

router = Router(tags=["writing: board"])

WRITE_ANSWERS = {400: Problem, 403: Problem, 404: Problem, 422: Refusal, 429: Problem}


def post_row(post: Post) -> dict:
    return {
        "id": post.pk,
        "thread": post.thread_id,
        "network": post.network_id,
        "author": str(post.author),
        "body": post.body,
        "created_at": post.created_at,
    }


@router.post(
    "/networks/{network_id}/threads",
    response={201: ThreadOut, **WRITE_ANSWERS},
    summary=gettext_noop("Start a thread on a network's board (its members)"),
    description=gettext_noop(
        "A new thread with its first post. Only the network's coordinators pin (403 otherwise). "
        "Audited as `board.thread_created`; members following the board are notified as for a post "
        "written on the page."
    ),
)
def board_thread_create(request: HttpRequest, body: ThreadIn, network_id: int = Path(..., ge=1, le=MAX_ID)):
    user, token = writer(request)
    network = access.board_for_user(user, network_id, post=True)
    within_region(token, network.region_id, what="network")
    within_token_organisation(token, network.pk, what="network")
    data = cleaned(ThreadForm(body.dict()))
    thread = services.thread_create(
        network=network,
        by=user,
        title=data["title"],
        body=data["body"],
        pinned=body.pinned,
    )
    first = thread.posts.select_related("author").get()
    return Status(
        201,
        {
            "id": thread.pk,
            "network": network.pk,
            "title": thread.title,
            "pinned": thread.pinned,
            "first_post": post_row(first),
        },
    )


@router.post(
    "/threads/{thread_id}/posts",
    response={201: PostOut, **WRITE_ANSWERS},
    summary=gettext_noop("Reply in a thread (the network's members)"),
    description=gettext_noop("A reply at the end of the thread. Audited as `board.post_created`."),
)
def board_reply(request: HttpRequest, body: PostIn, thread_id: int = Path(..., ge=1, le=MAX_ID)):
    user, token = writer(request)
    thread = access.thread_for_user(user, thread_id, post=True)
    within_region(token, thread.network.region_id, what="thread")
    within_token_organisation(token, thread.network_id, what="thread")
    data = cleaned(PostForm(body.dict()))
    post = services.post_reply(thread=thread, by=user, body=data["body"])
    return Status(201, post_row(post))
