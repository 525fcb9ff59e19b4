"""Who a learner is, by the path they came in on: one namespace per origin.

- **Plain paths** (the page's typed name, ``POST /api/attempts``, ``?learner=``): the learner
  is the text given, trusted as it is (the service has no accounts). A typed id is visible
  text (:func:`..idtext.id_problem`) **without** :data:`SEP`.
- **LTI**: the learner is the platform's ``iss`` and the token's ``sub``, stored as
  ``iss|sub`` (lti.md), so every LTI id holds :data:`SEP`.

The two sets of ids are disjoint by construction: no plain path can store an attempt as a
launched learner, read their variant of a template, or be mistaken for one in ``grades.csv``.
Refusing the separator on plain paths was chosen over storing LTI learners under a prefix
(``lti:…``): a prefix would also have to be refused on the plain paths, the stored LTI ids would
need a migration, and the exports would change; the separator rule needs neither.
"""
from __future__ import annotations

from ..idtext import MAX_ID, id_problem

#: Joins an LTI learner's issuer and subject; never in a typed learner id.
SEP = "|"


def lti_learner(issuer: str, sub: str) -> str:
    """The stored id of the learner ``sub`` of the platform ``issuer``."""
    return f"{issuer}{SEP}{sub}"


def plain_problem(learner: object) -> str | None:
    """Why ``learner`` cannot be a learner id on a plain path (None: it can)."""
    if not isinstance(learner, str) or not learner.strip():
        return "learner: a non-empty string is needed"
    problem = id_problem(learner, "learner", MAX_ID)
    if problem:
        return problem
    if SEP in learner:
        return (f"learner: {SEP!r} is kept for learners launched from a course platform "
                f"(LTI), who are named by the platform: choose a name without it")
    return None
