"""Builds the C scoring loop of the shipped triage model (``uppsikt.triage._linear``) and the
last steps of the triage normalisation (``uppsikt.triage._squeeze``).

Everything else is in ``pyproject.toml``. The extension is optional: without a C compiler
and the Python headers the install goes on and the same scoring runs in Python, slower.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "uppsikt.triage._linear",
            ["src/uppsikt/triage/_linear.c"],
            extra_compile_args=["-O3", "-std=c11"],
            optional=True,
        ),
        Extension(
            "uppsikt.triage._squeeze",
            ["src/uppsikt/triage/_squeeze.c"],
            extra_compile_args=["-O3", "-std=c11"],
            optional=True,
        ),
    ]
)
