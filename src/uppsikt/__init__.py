"""Uppsikt: a municipality's official social-media channels, run by its own guideline."""

__version__ = "0.1.0"
