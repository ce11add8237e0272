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


def focus_outline(page: Any) -> dict[str, Any]:
    """What the focused element looks like: its tag, accessible text and computed outline."""
    return page.evaluate(
        """() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            return {
                tag: element.tagName.toLowerCase(),
                text: (element.getAttribute('aria-label') || element.innerText || element.value || '').trim(),
                id: element.id,
                name: element.getAttribute('name') || '',
                outlineStyle: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth),
                outlineColor: style.outlineColor,
                focusVisible: element.matches(':focus-visible'),
            };
        }"""
    )
