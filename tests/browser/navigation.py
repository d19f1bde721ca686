"""The site's navigation in a browser test: its groups are <details> that a person opens first."""


def navigate(page, name, *, role: str = "link", exact: bool = False) -> None:
    """Follow (or press) the navigation's item `name`, opening its group as a person would."""
    nav = page.locator("header.site nav")
    # Relative (searched inside each group), and found while its group is closed (hidden).
    wanted = page.get_by_role(role, name=name, exact=exact, include_hidden=True)
    group = nav.locator("details.menu").filter(has=wanted)
    if group.count() and group.get_attribute("open") is None:
        group.locator("summary").click()
    nav.get_by_role(role, name=name, exact=exact).click()
