"""The service as an LTI 1.3 tool (../shared/spec/lti.md): OIDC login and launch, deep
linking, and score passback through Assignment and Grade Services.

Layers, each importing only those above it: :mod:`.platforms` (who may launch us, a TOML
file), :mod:`.keys` (the tool's own RSA keys and JWKS), :mod:`.jose` (signing and checking
JWTs with joserfc), :mod:`.platformkeys` (the platforms' JWKS, cached), :mod:`.store` (states,
nonces, sessions and the score outbox in the attempts database), :mod:`.launch` (what a
launch must satisfy), :mod:`.deeplink`, :mod:`.ags` (the outbox's sender) and
:mod:`.routes` (the HTTP endpoints).
"""
