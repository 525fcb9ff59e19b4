"""Putting the tool together from its files: the platforms TOML, the key folder (by default
``lti-keys/`` beside the platforms file) and the tool's public URL."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine

from . import keys as tool_keys
from .ags import Sender
from .platformkeys import PlatformKeys
from .platforms import LtiError, load, url_problem
from .routes import LtiTool


def keys_folder(config: str | Path, given: str | Path | None = None) -> Path:
    """Where the tool's keys live: ``given``, or ``lti-keys/`` beside ``config``."""
    return Path(given) if given is not None else Path(config).resolve().parent / "lti-keys"


def check_public_url(url: str) -> str:
    problem = url_problem(url)
    if problem:
        raise LtiError(f"public URL: {problem}")
    if "?" in url:
        raise LtiError(f"public URL: {url!r} has a query string")
    return url.rstrip("/")


def tool_for(config: str | Path, public_url: str, keys: str | Path | None,
             engine: Engine | None) -> LtiTool:
    """The tool for the platforms in ``config`` (a sender of scores when ``engine`` is
    given)."""
    platforms = load(config)
    if engine is not None and not Path(config).exists():
        raise LtiError(f"{config}: no such file: register a platform first (quizgrader lti "
                       f"add-platform --config {config} ...)")
    found = tool_keys.load(keys_folder(config, keys))
    sender = Sender(engine, platforms, found) if engine is not None else None
    return LtiTool(platforms, found, check_public_url(public_url), PlatformKeys(), sender)


def rotate(config: str | Path, keys: str | Path | None, pem: str | Path | None
           ) -> tool_keys.ToolKeys:
    """Rotate the tool's key (:func:`.keys.rotate`) in its folder."""
    return tool_keys.rotate(keys_folder(config, keys), pem)


def describe(tool: LtiTool, config: str | Path) -> str:
    """What an LMS administrator enters to register the tool, and the platforms known."""
    lines = ["quizgrader as an LTI 1.3 tool: register it in the LMS with these values.", "",
             f"  Tool URL (target link URI)      {tool.url('/lti/launch')}",
             f"  OIDC login initiation URL       {tool.url('/lti/login')}",
             f"  Redirection URI                 {tool.url('/lti/launch')}",
             f"  Deep linking URL                {tool.url('/lti/launch')}",
             f"  Public keyset URL (JWKS)        {tool.url('/lti/jwks')}",
             f"  Signing key id (kid)            {tool.keys.kid}",
             "  Services                        Deep Linking; Assignment and Grade Services "
             "(score)",
             "  Custom parameter of each link   question=<question id> (deep linking sets it)",
             "", f"Platforms registered in {config}:"]
    if not len(tool.platforms):
        lines.append("  none yet: quizgrader lti add-platform --config FILE --issuer ... "
                     "--client-id ... --deployment-id ... --auth-url ... --token-url ... "
                     "--jwks-url ...")
    for p in tool.platforms:
        lines += [f"  {p.issuer}  client_id {p.client_id}  deployments "
                  f"{', '.join(p.deployment_ids)}",
                  f"      auth {p.auth_url}", f"      token {p.token_url}",
                  f"      jwks {p.jwks_url}"]
    lines += ["", "The tool's public JWKS (also served at the keyset URL):",
              json.dumps(tool.keys.jwks(), indent=1)]
    return "\n".join(lines) + "\n"
