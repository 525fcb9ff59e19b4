"""The platforms (LMSs) registered with the tool: a TOML file of ``[[platform]]`` tables.

.. code-block:: toml

    [[platform]]
    issuer = "https://lms.example.edu"
    client_id = "quizgrader-1"
    deployment_ids = ["1"]
    auth_url = "https://lms.example.edu/mod/lti/auth.php"
    token_url = "https://lms.example.edu/mod/lti/token.php"
    jwks_url = "https://lms.example.edu/mod/lti/certs.php"

A platform is known by its (issuer, client_id) pair. ``token_audience`` is optional: the
``aud`` of the tool's client assertion when the platform wants something other than its
token URL (Moodle and Canvas take the token URL).
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from ...atomic import write_output
from ...errors import QuizgraderError


class LtiError(QuizgraderError):
    """A platform registration, key or configuration problem (one line)."""


FIELDS = ("issuer", "client_id", "deployment_ids", "auth_url", "token_url", "jwks_url")
OPTIONAL = ("token_audience",)


@dataclass(frozen=True)
class Platform:
    """One registered platform."""
    issuer: str
    client_id: str
    deployment_ids: tuple[str, ...]
    auth_url: str
    token_url: str
    jwks_url: str
    token_audience: str = ""

    @property
    def assertion_audience(self) -> str:
        """The ``aud`` of the client assertion sent to the token endpoint."""
        return self.token_audience or self.token_url


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be a platform's endpoint (None: it can)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        return f"{url!r} is not an http(s) URL"
    if parts.fragment:
        return f"{url!r} has a #fragment"
    return None


def platform_from(table: object, where: str) -> Platform:
    """A :class:`Platform` from one ``[[platform]]`` table (``where`` names it in errors)."""
    if not isinstance(table, dict):
        raise LtiError(f"{where}: a [[platform]] table is needed")
    unknown = sorted(set(table) - set(FIELDS) - set(OPTIONAL))
    if unknown:
        raise LtiError(f"{where}: unknown key {unknown[0]!r} (known: "
                       f"{', '.join(FIELDS + OPTIONAL)})")
    missing = [f for f in FIELDS if f not in table]
    if missing:
        raise LtiError(f"{where}: {missing[0]} is missing")
    for f in (*FIELDS, *OPTIONAL):
        if f == "deployment_ids" or f not in table:
            continue
        if not isinstance(table[f], str) or not table[f].strip():
            raise LtiError(f"{where}: {f} must be a non-empty string")
    ids = table["deployment_ids"]
    if not isinstance(ids, list) or not ids or not all(isinstance(d, str) and d for d in ids):
        raise LtiError(f"{where}: deployment_ids must be a list of strings, e.g. [\"1\"]")
    for f in ("auth_url", "token_url", "jwks_url"):
        problem = url_problem(table[f])
        if problem:
            raise LtiError(f"{where}: {f}: {problem}")
    return Platform(table["issuer"], table["client_id"], tuple(ids), table["auth_url"],
                    table["token_url"], table["jwks_url"], table.get("token_audience", ""))


class Platforms:
    """The registered platforms, by (issuer, client_id)."""

    def __init__(self, platforms: list[Platform]):
        self.by_key: dict[tuple[str, str], Platform] = {}
        for p in platforms:
            if (p.issuer, p.client_id) in self.by_key:
                raise LtiError(f"platform {p.issuer} with client_id {p.client_id} is "
                               f"registered twice")
            self.by_key[(p.issuer, p.client_id)] = p

    def find(self, issuer: str, client_id: str | None) -> Platform | None:
        """The platform ``issuer`` (with ``client_id``; without one, its only registration)."""
        if client_id is not None:
            return self.by_key.get((issuer, client_id))
        found = [p for (i, _), p in self.by_key.items() if i == issuer]
        return found[0] if len(found) == 1 else None

    def __len__(self) -> int:
        return len(self.by_key)

    def __iter__(self) -> Iterator[Platform]:
        return iter(self.by_key.values())


def load(path: str | Path) -> Platforms:
    """The platforms registered in the TOML file ``path`` (a missing file: none)."""
    path = Path(path)
    if not path.exists():
        return Platforms([])
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise LtiError(f"{path}: not TOML: {e}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise LtiError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    unknown = sorted(set(data) - {"platform"})
    if unknown:
        raise LtiError(f"{path}: unknown key {unknown[0]!r}: platforms are [[platform]] tables")
    tables = data.get("platform", [])
    if not isinstance(tables, list):
        raise LtiError(f"{path}: platform must be an array of tables: write [[platform]]")
    return Platforms([platform_from(t, f"{path}: platform {i + 1}")
                      for i, t in enumerate(tables)])


def _toml(value: str | tuple[str, ...]) -> str:
    """A TOML value: JSON's string escapes are TOML basic strings' escapes."""
    if isinstance(value, tuple):
        return "[" + ", ".join(json.dumps(v, ensure_ascii=False) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def table_text(p: Platform) -> str:
    """``p`` as a ``[[platform]]`` table."""
    lines = ["[[platform]]"]
    for f in (*FIELDS, *OPTIONAL):
        value = getattr(p, f)
        if value:
            lines.append(f"{f} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def add(path: str | Path, p: Platform) -> bool:
    """Register ``p`` in ``path`` (created when missing); replaces a registration with the
    same (issuer, client_id). Returns True when it replaced one."""
    path = Path(path)
    known = list(load(path))
    replaced = any((q.issuer, q.client_id) == (p.issuer, p.client_id) for q in known)
    kept = [q for q in known if (q.issuer, q.client_id) != (p.issuer, p.client_id)]
    text = "# Platforms registered with quizgrader's LTI tool (quizgrader lti add-platform)\n"
    text += "".join("\n" + table_text(q) for q in [*kept, p])
    write_output(path, text.encode("utf-8"))
    return replaced
