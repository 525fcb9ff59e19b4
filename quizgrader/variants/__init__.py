"""Seeded variants of a question (variants.md): templates with ``params``, rendered per
variant in Jinja2's sandbox, deployed only when the simulation stands behind their key, and
locked in ``<id>.variants.yaml``."""
from .family import reader
from .lock import Lock, lock_path

__all__ = ["Lock", "lock_path", "reader"]
