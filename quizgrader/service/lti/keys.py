"""The tool's own RSA keys: what signs its deep-linking responses and client assertions, and
what ``/lti/jwks`` publishes.

They live in a folder of their own (mode 0700): one ``<kid>.pem`` per key (mode 0600) and
``keys.json`` naming the current key and when each older one was retired. The first start
generates a 2048-bit key; :func:`rotate` makes a new one (or imports a PEM file) current and
keeps the old one in the JWKS for :data:`KEEP_RETIRED` seconds, so a platform that cached the
JWKS still checks what was signed just before the rotation.
"""
from __future__ import annotations

import fcntl
import json
import os
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from joserfc.jwk import RSAKey

from ...atomic import write_output
from .platforms import LtiError

#: How long a retired key stays in the JWKS (7 days).
KEEP_RETIRED = 7 * 24 * 3600
MANIFEST = "keys.json"


@dataclass(frozen=True)
class ToolKeys:
    """The current signing key and the public keys to publish."""
    current: RSAKey
    published: tuple[RSAKey, ...]

    @property
    def kid(self) -> str:
        return str(self.current.kid)

    def jwks(self) -> dict[str, Any]:
        """The public JWKS (current key first)."""
        return {"keys": [dict(k.as_dict(private=False)) for k in self.published]}


def _private_key(pem: bytes, where: str) -> RSAKey:
    try:
        key = RSAKey.import_key(pem)
    except Exception as e:                      # joserfc raises several kinds; all mean "no"
        raise LtiError(f"{where}: not an RSA private key in PEM ({e})") from None
    if not key.is_private:
        raise LtiError(f"{where}: a public key: the tool needs its private key")
    return key


def _with_kid(key: RSAKey) -> RSAKey:
    kid = key.thumbprint()
    return RSAKey.import_key(key.as_pem(private=True),
                             {"kid": kid, "use": "sig", "alg": "RS256"})


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"current": None, "retired": {}}
    except (OSError, ValueError) as e:
        raise LtiError(f"{path}: cannot read the key manifest: {e}") from None
    if not isinstance(data, dict) or not isinstance(data.get("retired", {}), dict):
        raise LtiError(f"{path}: not a key manifest")
    return {"current": data.get("current"), "retired": data.get("retired", {})}


def _folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as e:
        raise LtiError(f"{folder}: cannot create the key folder: {e.strerror}") from None
    if not folder.is_dir():
        raise LtiError(f"{folder}: is not a folder")


def _save(folder: Path, key: RSAKey) -> None:
    path = folder / f"{key.kid}.pem"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(key.as_pem(private=True))
        f.flush()
        os.fsync(f.fileno())
    os.chmod(path, 0o600)


def _read(folder: Path, kid: str) -> RSAKey:
    path = folder / f"{kid}.pem"
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        pem = path.read_bytes()
    except OSError as e:
        raise LtiError(f"{path}: cannot read the tool's key: {e.strerror}") from None
    if mode & 0o077:
        raise LtiError(f"{path}: the tool's private key is readable by others (mode "
                       f"{mode:o}): chmod 600 {path}")
    return _with_kid(_private_key(pem, str(path)))


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on the key folder (``.lock``, flock) for the block."""
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)                          # closing releases the lock


def _write_manifest(folder: Path, current: str, retired: dict[str, float]) -> None:
    text = json.dumps({"current": current, "retired": retired}, indent=1, sort_keys=True)
    write_output(folder / MANIFEST, (text + "\n").encode())


def load(folder: str | Path, now: float | None = None) -> ToolKeys:
    """The keys in ``folder``; generates the first one when there is none."""
    folder = Path(folder)
    _folder(folder)
    m = _manifest(folder)
    if not m["current"]:
        with _locked(folder):                 # services starting together make one key
            m = _manifest(folder)
            if not m["current"]:
                key = _with_kid(RSAKey.generate_key(2048, private=True))
                _save(folder, key)
                _write_manifest(folder, str(key.kid), {})
                m = _manifest(folder)
    now = time.time() if now is None else now
    current = _read(folder, str(m["current"]))
    kept = [_read(folder, kid) for kid, when in sorted(m["retired"].items(), key=lambda kv: -kv[1])
            if now - float(when) < KEEP_RETIRED and (folder / f"{kid}.pem").exists()]
    return ToolKeys(current, (current, *kept))


def rotate(folder: str | Path, pem_file: str | Path | None = None,
           now: float | None = None) -> ToolKeys:
    """Make a new key current (generated, or the private key in ``pem_file``); the old one
    stays published for :data:`KEEP_RETIRED` seconds."""
    folder = Path(folder)
    load(folder, now)                         # the first key, if none yet (its own lock)
    with _locked(folder):
        return _rotate(folder, pem_file, now)


def _rotate(folder: Path, pem_file: str | Path | None, now: float | None) -> ToolKeys:
    old = load(folder, now)
    if pem_file is not None:
        try:
            pem = Path(pem_file).read_bytes()
        except OSError as e:
            raise LtiError(f"{pem_file}: cannot read: {e.strerror}") from None
        key = _with_kid(_private_key(pem, str(pem_file)))
    else:
        key = _with_kid(RSAKey.generate_key(2048, private=True))
    if key.kid == old.kid:
        raise LtiError("that key is already the current one")
    _save(folder, key)
    retired = {k: float(v) for k, v in _manifest(folder)["retired"].items()}
    retired[old.kid] = time.time() if now is None else now
    _write_manifest(folder, str(key.kid), retired)
    return load(folder, now)
