"""axe-core in the browser: the accessibility rules run against the page as rendered.

axe-core is vendored once, from the npm package, in vendor/axe-core/ (its README gives the version
and licences); every browser test takes it from here. It is injected through the DevTools protocol,
so the site's Content-Security-Policy stays as it is.
"""

from pathlib import Path

AXE_PATH = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE_PATH.read_text(encoding="utf-8")
SERIOUS = {"serious", "critical"}


def serious_violations(page) -> list[str]:
    """The serious and critical axe-core violations on the current page, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(f"() => {{ {AXE_SOURCE}\n; window.axe = axe; }}")
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{page.url} {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in SERIOUS
    ]
