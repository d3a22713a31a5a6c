"""Build the optional C kernel ``jixiao.checks._textops``; pyproject.toml
holds the metadata. ``optional=True``: without a C compiler the install
still succeeds and jixiao.checks.chinese uses its pure-Python code."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("jixiao.checks._textops", ["src/jixiao/checks/_textops.c"], optional=True)])
