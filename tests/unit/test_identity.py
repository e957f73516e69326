"""Sign-in rules over plain values: what configures sign-in, when the app refuses to start, whose e-mail counts."""

from datetime import UTC, datetime

import pytest

from portfolio import identity
from portfolio.config import load_settings

COMPLETE = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "a-long-random-string-for-the-cookie",
    "client_id": "portfolio",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example.org/.well-known/openid-configuration",
}


def named(provider: str) -> dict:
    shared = {k: COMPLETE[k] for k in identity.SHARED_SETTINGS}
    return shared | {provider: {k: COMPLETE[k] for k in identity.PROVIDER_SETTINGS}}


def test_no_auth_section_is_local_mode():
    assert identity.sign_in_setup(None) is None
    assert identity.sign_in_setup({}) is None
    assert identity.sign_in_problems(None) == []


def test_a_complete_section_configures_the_default_or_a_named_provider():
    assert identity.sign_in_setup(COMPLETE) == identity.SignInSetup(provider=None)
    assert identity.sign_in_setup(named("microsoft")) == identity.SignInSetup(provider="microsoft")


@pytest.mark.parametrize("missing", ["redirect_uri", "cookie_secret", "client_id", "server_metadata_url"])
def test_an_incomplete_section_names_what_is_missing(missing):
    auth = {k: v for k, v in COMPLETE.items() if k != missing}
    assert identity.sign_in_problems(auth) == [f"[auth] {missing}"]
    assert identity.sign_in_setup(auth) is None


def test_two_named_providers_are_one_too_many():
    auth = named("google") | {"okta": named("okta")["okta"]}
    assert any("one provider only" in p for p in identity.sign_in_problems(auth))


def settings(url: str = "", require: str | None = None):
    return load_settings(database_url=url, **({"require_sign_in": require} if require is not None else {}))


def test_sign_in_is_required_by_default_on_postgresql_only(monkeypatch):
    monkeypatch.delenv("PORTFOLIO_REQUIRE_SIGN_IN", raising=False)
    assert settings("postgresql://u@h/db").sign_in_required
    assert not settings("sqlite:///x.db").sign_in_required
    assert not settings().sign_in_required
    assert settings("sqlite:///x.db", "true").sign_in_required
    assert not settings("postgresql://u@h/db", "false").sign_in_required


def test_the_app_refuses_to_start_with_a_message_saying_what_to_configure(monkeypatch):
    monkeypatch.delenv("PORTFOLIO_REQUIRE_SIGN_IN", raising=False)
    problem = identity.startup_problem(settings("postgresql://u@h/db"), None, authlib_installed=True)
    assert "requires sign-in" in problem and "PostgreSQL" in problem
    for what in (
        "[auth]",
        "secrets.toml",
        "redirect_uri",
        "cookie_secret",
        "client_id",
        "server_metadata_url",
    ):
        assert what in problem
    assert "PORTFOLIO_REQUIRE_SIGN_IN=false" in problem
    forced = identity.startup_problem(settings("", "true"), None, authlib_installed=True)
    assert "PORTFOLIO_REQUIRE_SIGN_IN is true" in forced
    assert identity.startup_problem(settings("postgresql://u@h/db"), COMPLETE, authlib_installed=True) is None
    assert identity.startup_problem(settings(), None, authlib_installed=True) is None


def test_an_incomplete_or_unusable_sign_in_never_falls_back_to_local_mode():
    broken = {k: v for k, v in COMPLETE.items() if k != "client_secret"}
    assert "[auth] client_secret" in identity.startup_problem(settings(), broken, authlib_installed=True)
    assert "streamlit[auth]" in identity.startup_problem(settings(), COMPLETE, authlib_installed=False)


def test_only_a_verified_email_counts():
    assert (
        identity.verified_email({"email": " Ana@Example.org ", "email_verified": True}) == "ana@example.org"
    )
    assert (
        identity.verified_email({"email": "ana@example.org", "email_verified": "true"}) == "ana@example.org"
    )
    with pytest.raises(identity.SignInRefused, match="not verified"):
        identity.verified_email({"email": "ana@example.org", "email_verified": False})
    with pytest.raises(identity.SignInRefused, match="not verified"):
        identity.verified_email({"email": "ana@example.org"})
    with pytest.raises(identity.SignInRefused, match="e-mail address"):
        identity.verified_email({"sub": "123", "email_verified": True})


def test_a_provider_without_the_verified_claim_can_be_trusted_explicitly():
    claims = {"email": "ana@example.org"}
    assert identity.verified_email(claims, trust_provider_emails=True) == "ana@example.org"
    with pytest.raises(identity.SignInRefused):  # an explicit "not verified" is never trusted
        identity.verified_email(claims | {"email_verified": False}, trust_provider_emails=True)


def test_display_name_for_a_first_sign_in():
    assert identity.display_name({"name": "Ana Silva"}, "ana@example.org") == "Ana Silva"
    assert identity.display_name({"given_name": "Ana", "family_name": "Silva"}, "a@x.org") == "Ana Silva"
    assert identity.display_name({}, "ana.silva@example.org") == "ana.silva"


def test_the_sign_in_expires_when_the_provider_says():
    now = datetime(2026, 5, 7, 12, tzinfo=UTC)
    assert not identity.sign_in_expired({}, now)
    assert not identity.sign_in_expired({"exp": now.timestamp() + 60}, now)
    assert identity.sign_in_expired({"exp": now.timestamp() - 1}, now)
    assert identity.sign_in_expired({"exp": "garbage"}, now)
