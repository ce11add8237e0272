"""axe-core in the browser tests: inject the vendored engine into a page, run it, and say
what it found in words a failing test can print.

The engine is evaluated through the DevTools protocol rather than added as a <script>
tag, so the pages keep their real Content-Security-Policy while they are checked.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_VERSION = "4.14.1"
AXE_PATH = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


@cache
def axe_source() -> str:
    source = AXE_PATH.read_text(encoding="utf-8")
    assert source.startswith(f"/*! axe v{AXE_VERSION}"), f"{AXE_PATH} is not axe-core {AXE_VERSION}"
    return source


def axe_run(page: Any, *, context: Any = None, options: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run axe on the page (or on `context`, a CSS selector or axe context object); returns
    axe's whole result: violations, passes, incomplete and inapplicable rules."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    return page.evaluate(
        "([context, options]) => axe.run(context || document, options || {})",
        [context, options or {"resultTypes": ["violations"]}],
    )


def blocking_violations(page: Any) -> list[dict[str, Any]]:
    """The serious and critical violations on the page, as short dictionaries."""
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [
                {"target": node["target"], "summary": node.get("failureSummary", "")} for node in violation["nodes"]
            ],
        }
        for violation in axe_run(page)["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def describe(found: dict[str, list[dict[str, Any]]]) -> str:
    """A readable report of violations by page, for the assertion message."""
    lines = []
    for where, violations in found.items():
        for violation in violations:
            lines.append(f"{where}: {violation['rule']} ({violation['impact']}) {violation['help']}")
            lines.extend(f"    {node['target']}: {node['summary']}" for node in violation["nodes"][:5])
    return "\n".join(lines)


FOCUS_COLOR = "rgb(204, 102, 0)"  # --color-focus in static/css/app.css


def focused(page: Any) -> dict[str, Any]:
    """The focused element: its name as a person hears it (label, aria-label or text), where it
    sits in the document, and its computed focus outline."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const label = element.labels && element.labels.length ? element.labels[0].innerText : '';
            return {
                tag: element.tagName.toLowerCase(),
                name: (element.getAttribute('aria-label') || label || element.innerText || element.value || '')
                    .trim().replace(/:$/, ''),
                position: Array.prototype.indexOf.call(document.querySelectorAll('*'), element),
                tabindex: element.getAttribute('tabindex'),
                outline: [style.outlineStyle, parseFloat(style.outlineWidth), style.outlineColor],
                focusVisible: element.matches(':focus-visible'),
            };
        }"""
    )


def assert_visible_focus(where: dict[str, Any]) -> None:
    """The ring as drawn (the computed outline). Not `:focus-visible` itself: Chromium reports
    it false while Tab walks the day, month and year inside one date input, ring and all."""
    style, width, color = where["outline"]
    assert (style, color) == ("solid", FOCUS_COLOR) and width >= 3, f"{where['name']!r} has outline {where['outline']}"


def tab_to(page: Any, name: str, *, limit: int = 60) -> list[dict[str, Any]]:
    """Press Tab until the element named `name` has focus. Every stop on the way must show
    the focus ring, and the stops must follow the document's order (no tabindex jumps)."""
    stops: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        where = focused(page)
        # `>=`: Tab walks through the day, month and year of one date input.
        if stops and where["tag"] != "body":
            assert where["position"] >= stops[-1]["position"], f"Tab went back from {stops[-1]['name']!r} to {where}"
        if where["tag"] != "body":
            assert_visible_focus(where)
        stops.append(where)
        if where["name"] == name:
            return stops
    raise AssertionError(f"{name!r} not reached in {limit} presses of Tab: {[stop['name'] for stop in stops]}")
