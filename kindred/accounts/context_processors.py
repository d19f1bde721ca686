from django.utils.functional import SimpleLazyObject

from kindred.accounts.access import is_site_admin, is_system_leader


def leader(request):
    """`is_leader`: whether the navigation offers the system leaders' pages (brokering and formation).

    Lazy: the one query runs only when a page's navigation asks (signed-in visitors)."""
    user = getattr(request, "user", None)  # absent on the 400 page of a request refused before sign-in
    if user is None:
        return {"is_leader": False}
    return {"is_leader": SimpleLazyObject(lambda: is_site_admin(user) or is_system_leader(user))}
