"""The web app (``jixiao serve``): FastAPI routes over :mod:`jixiao.store`, Jinja2 pages in
Chinese, and a JSON twin for every page (the same URL with ``.json``, or ``Accept:
application/json``). ``create_app(store)`` builds it; ``cli.py`` holds the commands."""

from .app import create_app

__all__ = ["create_app"]
