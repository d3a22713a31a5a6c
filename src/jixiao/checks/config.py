"""Which checks run, at which severity, with which settings.

Defaults of each check's settings are data: ``rules/<family>.toml`` holds a
table per code with the settings and the ``source`` they come from. A
rulebook's ``[checks]`` table, then a ``--config`` file, then the command
line (``--select``, ``--ignore``) override them, like a linter's layered
configuration.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..scoring import Rulebook
from .base import REGISTRY, SEVERITIES, select_codes


class ReviewConfigError(ValueError):
    """A check configuration that cannot be used (Chinese, then English)."""

    def __init__(self, where: str, zh: str, en: str):
        self.where = where
        super().__init__(f"{where}：{zh}（{en}）")


class Settings(Mapping[str, Any]):
    """A check's settings: read-only, attribute access, numbers as Decimal."""

    __slots__ = ("_d", "source", "__dict__")

    def __init__(self, d: Mapping[str, Any], source: str = ""):
        self._d = dict(d)
        self.source = source
        # ``s.min_chars`` is read per form by the checks: keep the values as
        # instance attributes too (a plain look-up); a key that is also a
        # name of the class (``items``, ``source``) stays reachable as ``s[k]``.
        cls = type(self)
        self.__dict__.update((k, v) for k, v in self._d.items() if isinstance(k, str) and not hasattr(cls, k))

    def __getitem__(self, k: str) -> Any:
        return self._d[k]

    def __getattr__(self, k: str) -> Any:
        try:
            return self._d[k]
        except KeyError:
            raise AttributeError(k) from None

    def __iter__(self):
        return iter(self._d)

    def __len__(self) -> int:
        return len(self._d)

    def __repr__(self) -> str:
        return f"Settings({self._d!r})"


def _decimalize(v: Any) -> Any:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)):
        return Decimal(str(v))
    if isinstance(v, list):
        return tuple(_decimalize(x) for x in v)
    if isinstance(v, dict):
        return {k: _decimalize(x) for k, x in v.items()}
    return v


def _same_kind(default: Any, value: Any) -> bool:
    num = (int, float, Decimal)
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(default, bool) and isinstance(value, bool)
    if isinstance(default, num):
        return isinstance(value, num)
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    return isinstance(value, type(default))


def default_settings() -> dict[str, dict[str, Any]]:
    """The shipped defaults: every ``rules/*.toml``, merged (code -> table)."""
    out: dict[str, dict[str, Any]] = {}
    for entry in sorted(resources.files("jixiao.checks").joinpath("rules").iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for code, table in data.items():
            if code in out:
                raise ReviewConfigError(f"rules/{entry.name}", f"{code} 的默认设置重复", f"{code} defined twice")
            out[code] = table
    return out


@dataclass(frozen=True)
class ReviewConfig:
    """The resolved configuration of one review run."""

    enabled: tuple[str, ...]
    severity: Mapping[str, str]
    settings: Mapping[str, Settings]
    fail_on: str = "error"

    @classmethod
    def build(cls, rulebook: Rulebook, *, config_file: str | Path | None = None,
              select: Iterable[str] | None = None, ignore: Iterable[str] | None = None,
              extend_ignore: Iterable[str] = (), fail_on: str = "error") -> ReviewConfig:
        from . import load_families

        load_families()
        defaults = default_settings()
        layers: list[tuple[str, Mapping[str, Any]]] = [(f"规则库 {rulebook.name}", rulebook.data.get("checks", {}))]
        if config_file is not None:
            path = Path(config_file)
            try:
                doc = tomllib.loads(path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise ReviewConfigError(str(path), f"无法读取配置文件（{exc}）", "cannot read the config file") from None
            layers.append((str(path), doc.get("checks", doc)))
        sel: list[str] = ["ALL"]
        ign: list[str] = []
        sev: dict[str, str] = {}
        settings: dict[str, dict[str, Any]] = {c: dict(t) for c, t in defaults.items()}
        for where, layer in layers:
            for key in layer:
                if key not in ("source", "select", "ignore", "severity", "settings"):
                    raise ReviewConfigError(where, f"未知的键 checks.{key}", f"unknown key checks.{key}")
            if "select" in layer:
                sel = list(layer["select"])
            if "ignore" in layer:
                ign = list(layer["ignore"])
            for code, level in dict(layer.get("severity", {})).items():
                _known(code, where)
                if level not in SEVERITIES:
                    raise ReviewConfigError(where, f"{code} 的严重程度应为 error/warning/info 之一", "bad severity")
                sev[code] = level
            for code, table in dict(layer.get("settings", {})).items():
                _known(code, where)
                base = settings.get(code, {})
                for k, v in dict(table).items():
                    if k == "source":
                        base[k] = v
                        continue
                    if k not in base:
                        allowed = "、".join(x for x in base if x != "source") or "（无）"
                        raise ReviewConfigError(where, f"{code} 没有设置项 {k}（可用：{allowed}）",
                                                f"{code} has no setting {k}")
                    if not _same_kind(base[k], v):
                        raise ReviewConfigError(where, f"{code}.{k} 的取值类型不对：{v!r}", f"{code}.{k}: wrong type")
                    base[k] = v
                settings[code] = base
        if select is not None:
            sel = list(select)
        if ignore is not None:
            ign = list(ignore)
        ign += list(extend_ignore)
        for p in sel + ign:
            p = p.strip().upper()
            if p != "ALL" and not any(c.startswith(p) for c in REGISTRY):
                raise ReviewConfigError("select/ignore", f"没有以 {p} 开头的检查", f"no check matches {p}")
        if fail_on not in (*SEVERITIES, "never"):
            raise ReviewConfigError("--fail-on", "应为 error、warning、info 或 never", "bad --fail-on")
        enabled = tuple(select_codes(sel, ign, REGISTRY))
        frozen = {c: Settings({k: _decimalize(v) for k, v in settings.get(c, {}).items() if k != "source"},
                              settings.get(c, {}).get("source", "")) for c in REGISTRY}
        return cls(enabled=enabled, severity=MappingProxyType({c: sev.get(c, REGISTRY[c].severity) for c in REGISTRY}),
                   settings=MappingProxyType(frozen), fail_on=fail_on)


def _known(code: str, where: str) -> None:
    if code not in REGISTRY:
        raise ReviewConfigError(where, f"没有代码为 {code} 的检查", f"no check {code}")
