"""Build hook for the optional C speed-ups; all metadata is in pyproject.toml.

``iedsl._speedups`` is marked optional: on a machine without a C compiler the
install still succeeds and iedsl runs its pure-Python loops (same results, slower).
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("iedsl._speedups", ["iedsl/_speedups.c"], optional=True)])
