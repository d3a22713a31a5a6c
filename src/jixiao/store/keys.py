"""Normalised names for scopes and for matching one project across years."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_ROLLUP = re.compile(r"[（(]\s*汇总\s*[)）]\s*$")
_YEAR = re.compile(r"(19|20)\d{2}\s*年度?|(19|20)\d{2}")
_NOISE = re.compile(r"[\s\u3000·•,，.。:：;；、\-—_/\\\"'“”‘’《》<>()（）\[\]【】]+")


def norm_name(s: str) -> str:
    """Full-width to half-width, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", s or "").split())


def department_key(s: str) -> str:
    """主管部门 as scoped: without the roll-up marker ``(汇总)``."""
    return _ROLLUP.sub("", norm_name(s)).strip()


def unit_key(s: str) -> str:
    return norm_name(s)


def project_key(project_name: str, unit: str) -> str:
    """The same project in different years: unit + name without years, spaces or punctuation."""
    name = _NOISE.sub("", _YEAR.sub("", unicodedata.normalize("NFKC", project_name or "")))
    raw = f"{_NOISE.sub('', unit_key(unit))}|{name}"
    return hashlib.sha1(raw.encode("utf-8")).hexdigest()
