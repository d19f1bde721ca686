"""Who may import files into the registry (the admin's import page and the API's /imports).

An import writes schools and measures for the whole installation, so it is for active staff who
may add and change schools (site administrators, or staff given both permissions); who may read an
import's job and its problems is core.selectors.job_visible_to.
"""

from typing import Any


def may_import(user: Any) -> bool:
    """`user`: a person or an anonymous visitor (the registry sits below accounts, so untyped here)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("schools.add_school")
        and user.has_perm("schools.change_school")
    )
