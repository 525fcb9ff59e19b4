"""``quizgrader lti``: register platforms, show what an LMS needs, rotate the tool's key."""
from __future__ import annotations

import click

from .cliargs import errors as _errors

CONFIG = click.option("--config", "config", type=click.Path(dir_okay=False),
                      default="platforms.toml", show_default=True,
                      help="The platforms file (TOML, [[platform]] tables), the one given to "
                           "serve --lti-config.")
KEYS = click.option("--keys", "keys", type=click.Path(file_okay=False), default=None,
                    help="The tool's key folder (default: lti-keys/ beside the platforms "
                         "file; the first start creates it, mode 0700, keys 0600, but never "
                         "the folders above it).")


def need_lti() -> None:
    """A clear error when the ``lti`` extra is not installed."""
    try:
        import fastapi  # noqa: F401
        import httpx  # noqa: F401
        import joserfc  # noqa: F401
        import sqlalchemy  # noqa: F401
    except ImportError as e:
        raise click.ClickException(f"LTI needs its extra: pip install 'quizgrader[lti]' "
                                   f"({e.name} is missing)") from None


@click.group()
def lti() -> None:
    """The service as an LTI 1.3 tool: launched from an LMS, scores sent to its gradebook.

    \b
    quizgrader lti add-platform --config platforms.toml --issuer https://lms.example.edu \\
        --client-id quizgrader-1 --deployment-id 1 \\
        --auth-url https://lms.example.edu/mod/lti/auth.php \\
        --token-url https://lms.example.edu/mod/lti/token.php \\
        --jwks-url https://lms.example.edu/mod/lti/certs.php
    quizgrader lti show --config platforms.toml --public-url https://quiz.example.edu
    quizgrader serve questions/ --lti-config platforms.toml --public-url https://quiz.example.edu
    """


@lti.command("add-platform")
@CONFIG
@click.option("--issuer", required=True, help="The platform's issuer (iss), e.g. its URL.")
@click.option("--client-id", required=True, help="The client id the LMS gave this tool.")
@click.option("--deployment-id", "deployment_ids", multiple=True, required=True,
              help="A deployment id the LMS gave (repeat for several).")
@click.option("--auth-url", required=True, help="The platform's OIDC authorization URL.")
@click.option("--token-url", required=True, help="The platform's OAuth 2 token URL.")
@click.option("--jwks-url", required=True, help="The platform's public keyset URL.")
@click.option("--token-audience", default="",
              help="The aud of the tool's token request, when not the token URL.")
@_errors
def add_platform(config: str, issuer: str, client_id: str, deployment_ids: tuple[str, ...],
                 auth_url: str, token_url: str, jwks_url: str, token_audience: str) -> None:
    """Register a platform (an LMS) in the platforms file (created when missing; a
    registration with the same issuer and client id is replaced)."""
    need_lti()
    from .service.lti import platforms
    p = platforms.platform_from({"issuer": issuer, "client_id": client_id,
                                 "deployment_ids": list(deployment_ids), "auth_url": auth_url,
                                 "token_url": token_url, "jwks_url": jwks_url,
                                 **({"token_audience": token_audience} if token_audience
                                    else {})}, "the platform")
    replaced = platforms.add(config, p)
    click.echo(f"{'replaced' if replaced else 'registered'} {issuer} (client_id {client_id}) "
               f"in {config}")


@lti.command()
@CONFIG
@KEYS
@click.option("--public-url", default="http://127.0.0.1:8000", show_default=True,
              help="The tool's address as the LMS reaches it (serve --public-url).")
@_errors
def show(config: str, keys: str | None, public_url: str) -> None:
    """Print the tool's URLs, its JWKS and the registered platforms (what an LMS
    administrator enters). Creates the tool's key when there is none yet, and says so; never
    in a folder that does not exist (exit 1)."""
    need_lti()
    from .service.lti import setup
    tool = setup.tool_for(config, public_url, keys, None)
    if tool.keys.created:
        click.echo(f"note: created the tool's signing key {tool.keys.kid} in "
                   f"{setup.keys_folder(config, keys)} (private, mode 0600): keep it, the LMS "
                   f"will trust it", err=True)
    click.echo(setup.describe(tool, config), nl=False)


@lti.command("rotate-key")
@CONFIG
@KEYS
@click.option("--from", "pem", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Make this PEM private key current instead of generating one.")
@_errors
def rotate_key(config: str, keys: str | None, pem: str | None) -> None:
    """Make a new signing key current; the old one stays in the JWKS for 7 days, so what it
    signed still checks. Restart the service to sign with the new key."""
    need_lti()
    from .service.lti import setup
    found = setup.rotate(config, keys, pem)
    click.echo(f"current key {found.kid}; published: "
               f"{', '.join(str(k.kid) for k in found.published)}")
