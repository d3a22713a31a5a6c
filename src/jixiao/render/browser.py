"""Headless Chromium for HTML → PDF, through the Python ``playwright`` package.

We never download a browser: Playwright drives the system's Chromium (Debian's
``/usr/bin/chromium``, or the path in ``JIXIAO_CHROMIUM``). Starting Chromium costs
about a second, so a batch keeps one browser open::

    with Browser() as b:
        for form in forms:
            b.html_to_pdf(form_html(form), out / f"{i}.pdf")

``html_to_pdf(html, path)`` at module level is the one-off form (starts and stops a
browser per call). The page size comes from the HTML's CSS ``@page`` rule when it has
one (``prefer_css_page_size``); otherwise A4, portrait unless ``landscape=True``.
The browser runs offline: an HTML that links external resources renders without them.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["Browser", "BrowserError", "ChromiumMissingError", "find_chromium", "html_to_pdf"]

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


# Playwright's sync API allows one running instance per thread: browsers opened in the
# same thread (a batch, plus a one-off ``html_to_pdf`` inside it) share it.
_local = threading.local()


def _acquire_playwright() -> Any:
    if getattr(_local, "pw", None) is None:
        from playwright.sync_api import sync_playwright

        _local.pw = sync_playwright().start()
        _local.users = 0
    _local.users += 1
    return _local.pw


def _release_playwright() -> None:
    _local.users -= 1
    if _local.users == 0:
        pw, _local.pw = _local.pw, None
        try:
            pw.stop()
        except Exception:  # stopping after a crash must not hide the real error
            pass


class BrowserError(RuntimeError):
    """Rendering through Chromium failed (the message is for the user, in Chinese)."""


class ChromiumMissingError(BrowserError):
    """No Chromium executable, or the ``playwright`` package is not installed."""


def find_chromium() -> Path:
    """Path of the Chromium executable; raises ``ChromiumMissingError`` when there is none."""
    env = os.environ.get("JIXIAO_CHROMIUM")
    if env:
        if Path(env).is_file() and os.access(env, os.X_OK):
            return Path(env)
        raise ChromiumMissingError(
            f"环境变量 JIXIAO_CHROMIUM 指向的 Chromium 不存在或不可执行：{env}"
        )
    for cand in CHROMIUM_CANDIDATES:
        if Path(cand).is_file() and os.access(cand, os.X_OK):
            return Path(cand)
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ChromiumMissingError(
        "未找到 Chromium 浏览器，无法生成 PDF。请安装系统软件包（Debian/Ubuntu：apt-get install chromium "
        "fonts-noto-cjk），或用环境变量 JIXIAO_CHROMIUM 指定浏览器路径。"
    )


class Browser:
    """One headless Chromium for a batch of HTML → PDF conversions (a context manager)."""

    def __init__(self, executable_path: str | Path | None = None, *, timeout_ms: float = 60_000):
        self._executable = Path(executable_path) if executable_path else None
        self._timeout_ms = timeout_ms
        self._pw: Any = None
        self._browser: Any = None
        self._context: Any = None

    def __enter__(self) -> Browser:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def start(self) -> None:
        """Launch Chromium (idempotent)."""
        if self._browser is not None:
            return
        executable = self._executable or find_chromium()
        try:
            self._pw = _acquire_playwright()
        except ImportError as exc:  # pragma: no cover - playwright is a main dependency
            raise ChromiumMissingError(
                "缺少 Python 软件包 playwright，无法生成 PDF：请运行 pip install playwright"
                "（不需要 playwright install，使用系统的 Chromium）。"
            ) from exc
        try:
            self._browser = self._pw.chromium.launch(
                executable_path=str(executable), args=LAUNCH_ARGS, headless=True
            )
            self._context = self._browser.new_context(offline=True)
        except Exception as exc:
            self.close()
            raise BrowserError(f"无法启动 Chromium（{executable}）：{exc}") from exc

    def close(self) -> None:
        """Stop Chromium and Playwright (safe to call twice)."""
        for obj in (self._context, self._browser):
            if obj is not None:
                try:
                    obj.close()
                except Exception:  # closing a dead browser must not hide the real error
                    pass
        if self._pw is not None:
            _release_playwright()
        self._context = self._browser = self._pw = None

    def new_page(self, **context_options: Any) -> Any:
        """A Playwright page in a new offline context of this browser (tests drive
        the HTML report with it); closed with the browser."""
        self.start()
        ctx = self._browser.new_context(**{"offline": True, **context_options})  # offline=False for localhost
        return ctx.new_page()

    def html_to_pdf(self, html: str, out_path: str | Path, *, landscape: bool = False) -> Path:
        """Print ``html`` to the PDF file ``out_path`` (A4 unless the CSS ``@page`` says otherwise)."""
        self.start()
        out = Path(out_path)
        out.parent.mkdir(parents=True, exist_ok=True)
        page = self._context.new_page()
        try:
            page.set_default_timeout(self._timeout_ms)
            page.set_content(html, wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            page.pdf(
                path=str(out),
                format="A4",
                landscape=landscape,
                print_background=True,
                prefer_css_page_size=True,
            )
        except Exception as exc:
            raise BrowserError(f"Chromium 生成 PDF 失败（{out}）：{exc}") from exc
        finally:
            page.close()
        return out


def html_to_pdf(html: str, out_path: str | Path, *, landscape: bool = False) -> Path:
    """Print one HTML document to PDF with a browser of its own (use ``Browser`` for batches)."""
    with Browser() as browser:
        return browser.html_to_pdf(html, out_path, landscape=landscape)
