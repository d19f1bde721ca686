"""`unread_posts`: the navigation's count of unread posts in the person's networks."""

from django.utils.functional import SimpleLazyObject

from kindred.board.selectors import UNREAD_COUNT_CAP, unread_total_capped


def unread(request):
    """`unread_posts`, the navigation's badge: "" when nothing is unread, the count, or "99+".

    Lazy: the one query runs only when a page's navigation asks (signed-in visitors). A view that
    has counted the unread posts already (the home page) leaves the total on the request
    (`request.unread_posts`), and no query runs at all."""
    user = getattr(request, "user", None)  # absent on the 400 page of a request refused before sign-in
    if user is None or not user.is_authenticated:
        return {"unread_posts": ""}

    def label() -> str:
        known = getattr(request, "unread_posts", None)
        n = known if known is not None else unread_total_capped(user=user)
        if not n:
            return ""
        return f"{UNREAD_COUNT_CAP - 1}+" if n >= UNREAD_COUNT_CAP else str(n)

    return {"unread_posts": SimpleLazyObject(label)}
