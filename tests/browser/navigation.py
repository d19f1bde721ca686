"""The site's navigation in a browser test: its groups are <details> that a person opens first."""


def navigate(page, name, *, role: str = "link", exact: bool = False) -> None:
    """Follow (or press) the navigation's item `name`, opening its group as a person would."""
    nav = page.locator("header.site nav")
    item = nav.get_by_role(role, name=name, exact=exact)
    group = nav.locator("details.menu", has=item)
    if group.count() and group.get_attribute("open") is None:
        group.locator("summary").click()
    item.click()
