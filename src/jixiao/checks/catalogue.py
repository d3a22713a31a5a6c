"""Generate the check catalogue (docs/checks.md) from the registry.

    python -m jixiao.checks.catalogue > docs/checks.md   (or: jixiao checks --markdown)

A test fails when docs/checks.md is out of date.
"""

from __future__ import annotations

import sys

from ..ingest.codes import READ_CODES
from . import CATEGORIES, REGISTRY, SEVERITY_ZH, load_families
from .config import default_settings


def _fmt_value(v) -> str:
    if isinstance(v, dict):
        return "{" + "; ".join(f"{k}: {_fmt_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, list):
        if any(isinstance(x, dict) for x in v):
            return "".join(f"\n  - {_fmt_value(x)}" for x in v)
        return "、".join(str(x) for x in v)
    return str(v)


def render_markdown() -> str:
    load_families()
    defaults = default_settings()
    out: list[str] = [
        "# Check catalogue / 检查目录",
        "",
        "Generated from the check registry by `jixiao checks --markdown`; do not edit by hand.",
        "Each check: code, name, default severity, category, what it does and why (its basis), an example",
        "that fails and one that passes, its settings (defaults and their source) and its known limits.",
        "Select or ignore checks by code or prefix (`--select JX1,JX301`, `--ignore JX5`, or `[checks]` in a",
        "rulebook / `--config` file); change a setting with `[checks.settings.JX301] rate_below = 95`.",
        "",
        "| Code | Name | 说明 | Severity | Category |",
        "|---|---|---|---|---|",
    ]
    for code in sorted(REGISTRY):
        i = REGISTRY[code]
        out.append(f"| [{code}](#{code.lower()}) | {i.name} | {i.title} | {i.severity} | {i.category} |")
    by_cat: dict[str, list[str]] = {}
    for code in sorted(REGISTRY):
        by_cat.setdefault(REGISTRY[code].category, []).append(code)
    for cat, label in CATEGORIES.items():
        codes = by_cat.get(cat)
        if not codes:
            continue
        out += ["", f"## {label} ({cat})"]
        for code in codes:
            i = REGISTRY[code]
            out += ["", f"### {code}", "", f"**{i.name}** — {i.title}. Severity: {i.severity}（{SEVERITY_ZH[i.severity]}）."
                    f" Scope: {'one form' if i.scope == 'form' else 'the whole run'}.", "",
                    f"Basis / 依据: {i.basis}", "", f"Hint / 建议: {i.hint}", "", i.doc]
            table = defaults.get(code, {})
            settings = {k: v for k, v in table.items() if k != "source"}
            if settings or table.get("source"):
                out += ["", "Default settings (`src/jixiao/checks/rules/" + i.family + ".toml`):", ""]
                for k, v in settings.items():
                    out.append(f"- `{k}` = {_fmt_value(v)}")
                if table.get("source"):
                    out.append(f"- source: {table['source']}")
    out += ["", "## Reading warnings (JX0xx)", "",
            "Not checks: the reader records these on the form (`warnings`) when it could not read something",
            "with confidence. The review report shows them with the form.", ""]
    for code, (name, desc) in sorted(READ_CODES.items()):
        out.append(f"- **{code}** {name}: {desc}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render_markdown())
