"""axe-core in the browser: the accessibility rules run against the page as rendered.

axe-core is vendored once, from the npm package, in vendor/axe-core/ (its README gives the version
and licences); every browser test takes it from here. It is injected through the DevTools protocol,
so the site's Content-Security-Policy stays as it is.
"""

from pathlib import Path

from playwright.sync_api import Error as PlaywrightError

AXE_PATH = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_PATH.read_text(encoding="utf-8")
SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """The serious and critical axe-core violations on the current page, one line each.

    A click on a link returns before the next page has loaded; axe must run on the page that
    follows, not on one being replaced (axe then reads a null document: CI saw it once on
    PostgreSQL). So it waits for the page's load event, and runs once more if a navigation still
    replaced the document under it.
    """
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            result = _run_axe(page)
            break
        except PlaywrightError as error:
            replaced = "documentElement" in str(error) or "context was destroyed" in str(error)
            if not replaced or attempt == 2:
                raise
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]


def _run_axe(page) -> dict:
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE_SOURCE}\n; window.axe = axe; }}")
    return page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
