"""axe-core in the browser: the accessibility rules run against the page as rendered.

axe-core is vendored from the npm package (version and licence beside it in vendor/) and
injected through the DevTools protocol, so the site's Content-Security-Policy stays as it is.
"""

from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js").read_text(encoding="utf-8")
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
