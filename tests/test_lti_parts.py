"""The LTI tool's parts on their own: the platforms file, the tool's keys and their rotation,
the scores URL and backoff, and the ``quizgrader lti`` commands."""
from __future__ import annotations

import json
import os
import tomllib

import pytest
from click.testing import CliRunner

pytest.importorskip("joserfc")
pytest.importorskip("fastapi")

from quizgrader.cli import main  # noqa: E402
from quizgrader.service.lti import keys, platforms  # noqa: E402
from quizgrader.service.lti.ags import delay, scores_url  # noqa: E402
from quizgrader.service.lti.launch import _ours  # noqa: E402
from quizgrader.service.lti.platforms import LtiError, Platform  # noqa: E402

P = Platform("https://lms.example.edu", "tool-1", ("1", "2"),
             "https://lms.example.edu/auth", "https://lms.example.edu/token",
             "https://lms.example.edu/jwks")
GOOD = platforms.table_text(P)


@pytest.mark.parametrize("text,words", [
    ("platform = 3\n", "array of tables"),
    ("[[platform]]\nissuer = 'a'\n", "client_id is missing"),
    (GOOD + "colour = 'red'\n", "unknown key 'colour'"),
    (GOOD.replace('["1", "2"]', '"1"'), "deployment_ids must be a list"),
    (GOOD.replace("https://lms.example.edu/jwks", "ftp://x/jwks"), "jwks_url"),
    (GOOD.replace('"tool-1"', "7"), "client_id must be a non-empty string"),
    (GOOD + "\n" + GOOD, "registered twice"),
    ("[[platform]\n", "not TOML"),
    ("[other]\n", "unknown key 'other'"),
])
def test_a_bad_platforms_file_is_one_clear_error(tmp_path, text, words):
    path = tmp_path / "platforms.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LtiError, match=words) as e:
        platforms.load(path)
    if words == "registered twice":       # the registry's error names the platform instead
        assert str(e.value).startswith("platform https://") and "client_id" in str(e.value)
    else:
        assert str(e.value).startswith(str(path))


def test_add_writes_toml_that_reads_back_and_replaces_a_registration(tmp_path):
    path = tmp_path / "platforms.toml"
    odd = Platform('https://lms.example.edu/"quoted"\\é', "c", ("1",), P.auth_url,
                   P.token_url, P.jwks_url, token_audience="https://aud.example")
    assert platforms.add(path, P) is False
    assert platforms.add(path, odd) is False
    assert platforms.add(path, P) is True                  # same issuer and client: replaced
    assert sorted(platforms.load(path), key=lambda p: p.issuer) == [P, odd]
    tomllib.loads(path.read_text(encoding="utf-8"))
    assert platforms.load(path).find(P.issuer, None) == P
    assert platforms.load(path).find(P.issuer, "other") is None


def test_the_first_load_makes_a_private_key_only_its_owner_reads(tmp_path):
    folder = tmp_path / "keys"
    k = keys.load(folder)
    assert folder.stat().st_mode & 0o777 == 0o700
    [pem] = folder.glob("*.pem")
    assert pem.stat().st_mode & 0o777 == 0o600 and pem.stem == k.kid
    assert keys.load(folder).kid == k.kid                  # loaded again, not regenerated
    public = k.jwks()["keys"]
    assert [j["kid"] for j in public] == [k.kid] and "d" not in public[0]
    os.chmod(pem, 0o644)
    with pytest.raises(LtiError, match="readable by others"):
        keys.load(folder)


def test_rotation_keeps_the_old_key_published_for_a_while(tmp_path):
    folder = tmp_path / "keys"
    old = keys.load(folder, now=1000.0)
    new = keys.rotate(folder, now=1000.0)
    assert new.kid != old.kid
    assert [k.kid for k in new.published] == [new.kid, old.kid]
    later = keys.load(folder, now=1000.0 + keys.KEEP_RETIRED + 1)
    assert [k.kid for k in later.published] == [new.kid]
    # a given PEM becomes current; the same one twice is refused
    other = tmp_path / "other.pem"
    other.write_bytes(keys._with_kid(keys.RSAKey.generate_key(2048)).as_pem(private=True))
    assert keys.rotate(folder, other).kid not in (old.kid, new.kid)
    with pytest.raises(LtiError, match="already the current"):
        keys.rotate(folder, other)
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(LtiError, match="not an RSA private key"):
        keys.rotate(folder, bad)


@pytest.mark.parametrize("lineitem,url", [
    ("https://lms.example/lineitems/7", "https://lms.example/lineitems/7/scores"),
    ("https://lms.example/lineitems/7/", "https://lms.example/lineitems/7/scores"),
    ("https://lms.example/mod/lti/services.php/2/lineitems/7/lineitem?type_id=1",
     "https://lms.example/mod/lti/services.php/2/lineitems/7/lineitem/scores?type_id=1"),
])
def test_scores_go_before_the_query_string(lineitem, url):
    assert scores_url(lineitem) == url


def test_backoff_doubles_to_five_minutes():
    assert [delay(n) for n in (1, 2, 3, 4, 10, 30)] == [1, 2, 4, 8, 300, 300]


@pytest.mark.parametrize("url,ok", [
    ("https://quiz.example/lti/launch", True), ("https://quiz.example", True),
    ("https://quiz.example.evil/lti/launch", False), ("http://quiz.example/lti", False),
    ("https://quiz.example:444/lti", False),
])
def test_a_target_link_must_be_this_tool(url, ok):
    assert _ours(url, "https://quiz.example") is ok


def test_the_lti_commands(tmp_path):
    config = str(tmp_path / "platforms.toml")
    args = ["--config", config, "--issuer", P.issuer, "--client-id", P.client_id,
            "--deployment-id", "1", "--deployment-id", "2", "--auth-url", P.auth_url,
            "--token-url", P.token_url, "--jwks-url", P.jwks_url]
    r = CliRunner().invoke(main, ["lti", "add-platform", *args])
    assert r.exit_code == 0 and r.output == f"registered {P.issuer} (client_id tool-1) in " \
                                            f"{config}\n"
    assert list(platforms.load(config)) == [P]
    r = CliRunner().invoke(main, ["lti", "add-platform", *args])
    assert r.output.startswith("replaced")
    r = CliRunner().invoke(main, ["lti", "show", "--config", config, "--public-url",
                                  "https://quiz.example.edu/"])
    assert r.exit_code == 0
    assert "OIDC login initiation URL       https://quiz.example.edu/lti/login" in r.output
    assert "Public keyset URL (JWKS)        https://quiz.example.edu/lti/jwks" in r.output
    assert f"{P.issuer}  client_id tool-1  deployments 1, 2" in r.output
    shown = json.loads(r.output[r.output.index("{"):])
    kid = shown["keys"][0]["kid"]
    r = CliRunner().invoke(main, ["lti", "rotate-key", "--config", config])
    assert r.exit_code == 0 and r.output.endswith(f", {kid}\n")
    bad = CliRunner().invoke(main, ["lti", "add-platform", *args[:-1], "not a url"])
    assert bad.exit_code == 1 and "jwks_url: 'not a url' is not an http(s) URL" in bad.output
    bad = CliRunner().invoke(main, ["lti", "show", "--config", config, "--public-url",
                                    "quiz.example"])
    assert bad.exit_code == 1 and "public URL" in bad.output


def test_serve_refuses_lti_flags_without_a_platforms_file():
    r = CliRunner().invoke(main, ["serve", "questions", "--public-url", "https://x.example"])
    assert r.exit_code == 2 and "give --lti-config too" in r.output


def test_on_https_the_state_cookie_is_secure_httponly_samesite_none(tmp_path):
    """A login at a tool behind HTTPS (a real service whose --public-url is https) sets a
    cookie that browsers send in the platform's cross-site form post."""
    import shutil
    from pathlib import Path

    import httpx
    from servicekit import QS, start
    bank = tmp_path / "bank"
    bank.mkdir()
    shutil.copy(Path(QS) / "c5w1-gru-alice-betty.yaml", bank)
    config = tmp_path / "platforms.toml"
    platforms.add(config, P)
    server = start(tmp_path / "a.db", tmp_path / "cache", bank=str(bank), extra=(
        "--lti-config", str(config), "--public-url", "https://quiz.example.edu"))
    try:
        r = httpx.get(server.url + "/lti/login", params={
            "iss": P.issuer, "client_id": P.client_id, "login_hint": "u",
            "target_link_uri": "https://quiz.example.edu/lti/launch"})
        assert r.status_code == 302 and r.headers["location"].startswith(P.auth_url + "?")
        assert "redirect_uri=https%3A%2F%2Fquiz.example.edu%2Flti%2Flaunch" in \
            r.headers["location"]
        cookie = r.headers["set-cookie"].lower()
        assert all(flag in cookie for flag in ("secure", "httponly", "samesite=none"))
        posted = httpx.post(server.url + "/lti/login", data={
            "iss": P.issuer, "login_hint": "u", "target_link_uri": "https://quiz.example.edu/x"})
        assert posted.status_code == 302 and "state=" in posted.headers["location"]
    finally:
        server.stop()


def test_services_starting_together_make_one_key(tmp_path):
    """Eight processes load an empty key folder at once: one key, the same for all."""
    import subprocess
    import sys
    code = ("import sys; from quizgrader.service.lti import keys; "
            "print(keys.load(sys.argv[1]).kid)")
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "keys")],
                              stdout=subprocess.PIPE, text=True) for _ in range(8)]
    kids = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert len(kids) == 1 and len(list((tmp_path / "keys").glob("*.pem"))) == 1
