"""Who is using the app. Pure rules over plain values (the `[auth]` section of the Streamlit secrets and the
identity provider's claims), so they are tested without Streamlit or a provider.

Two modes: **local mode** (no `[auth]` section: one person on their own machine, acting as the local
administrator or whoever they choose) and **sign-in** (an `[auth]` section: everyone signs in with the
organisation's OpenID Connect provider and is matched by verified e-mail to a person in the portfolio)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from portfolio.config import Settings
from portfolio.errors import PortfolioError

SHARED_SETTINGS = ("redirect_uri", "cookie_secret")
PROVIDER_SETTINGS = ("client_id", "client_secret", "server_metadata_url")
HOW_TO_CONFIGURE = (
    "Add an [auth] section to .streamlit/secrets.toml with redirect_uri (this app's address followed by "
    '"/oauth2callback"), cookie_secret (a long random string), and the client_id, client_secret and '
    'server_metadata_url your identity provider gives this app; the README\'s "Configuring sign-in" shows '
    "examples for Microsoft Entra ID, Google and Okta."
)


class SignInRefused(PortfolioError):
    """The identity provider signed someone in whom this portfolio cannot accept (message says why)."""


@dataclass(frozen=True)
class SignInSetup:
    """Sign-in as configured: `provider` is None for the `[auth]` section's own keys (Streamlit's default
    provider), else the name of the `[auth.NAME]` section that holds the provider's settings."""

    provider: str | None


def _provider_sections(auth: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {name: value for name, value in auth.items() if isinstance(value, Mapping)}


def sign_in_problems(auth: Mapping[str, Any] | None) -> list[str]:
    """What is missing from an `[auth]` section for sign-in to work (empty: nothing, or no section at all)."""
    if not auth:
        return []
    missing = [f"[auth] {key}" for key in SHARED_SETTINGS if not auth.get(key)]
    if any(auth.get(key) for key in PROVIDER_SETTINGS) or not _provider_sections(auth):
        missing += [f"[auth] {key}" for key in PROVIDER_SETTINGS if not auth.get(key)]
    else:
        sections = _provider_sections(auth)
        if len(sections) > 1:
            missing.append(
                "one provider only: found [auth." + "], [auth.".join(sorted(sections)) + "]; keep one of them"
            )
        for name, section in sections.items():
            missing += [f"[auth.{name}] {key}" for key in PROVIDER_SETTINGS if not section.get(key)]
    return missing


def sign_in_setup(auth: Mapping[str, Any] | None) -> SignInSetup | None:
    """The sign-in configured by the `[auth]` section, or None in local mode (no section) or when the section
    is incomplete (`startup_problem` says what is missing then)."""
    if not auth or sign_in_problems(auth):
        return None
    if all(auth.get(key) for key in PROVIDER_SETTINGS):
        return SignInSetup(provider=None)
    (name,) = _provider_sections(auth)
    return SignInSetup(provider=name)


def startup_problem(
    settings: Settings, auth: Mapping[str, Any] | None, *, authlib_installed: bool
) -> str | None:
    """Why the app must not start as configured, in words for whoever deploys it; None when it may."""
    problems = sign_in_problems(auth)
    if problems:
        return (
            "Sign-in is set up in .streamlit/secrets.toml but incomplete, so the app will not start (it will not "
            "fall back to local mode, where anyone would act as the administrator). Missing: "
            + "; ".join(problems)
            + ". "
            + HOW_TO_CONFIGURE
        )
    if auth and not authlib_installed:
        return (
            "Sign-in is configured, but the package it needs is not installed. Install the app's dependencies "
            'again (they include streamlit[auth]), for example with `pip install "streamlit[auth]"`.'
        )
    if not auth and settings.sign_in_required:
        why = (
            "PORTFOLIO_REQUIRE_SIGN_IN is true"
            if settings.require_sign_in
            else "the database is PostgreSQL, which means a shared deployment"
        )
        return (
            f"This deployment requires sign-in ({why}), but sign-in is not configured, so the app will not start: "
            "without it every visitor would act as the local administrator. "
            + HOW_TO_CONFIGURE
            + " To run it for one person on their own machine instead, set PORTFOLIO_REQUIRE_SIGN_IN=false."
        )
    return None


def verified_email(claims: Mapping[str, Any], *, trust_provider_emails: bool = False) -> str:
    """The signed-in person's e-mail, lower-cased, if the provider vouches for it. Raises SignInRefused.

    Providers such as Google and Okta say so with `email_verified`; Microsoft Entra ID sends no such claim
    (its e-mails come from the organisation's own directory), which a deployment accepts by setting
    PORTFOLIO_TRUST_PROVIDER_EMAILS."""
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise SignInRefused(
            "Your identity provider did not tell this app your e-mail address, which is how the portfolio "
            "knows who you are. Ask whoever runs the app to request the 'email' scope from the provider."
        )
    verified = claims.get("email_verified")
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    if verified is True or (verified is None and trust_provider_emails):
        return email
    raise SignInRefused(
        f"Your identity provider has not verified the e-mail address {email}, so this portfolio cannot "
        "match it to a person. Verify the address with your provider, or ask whoever runs the app."
    )


def display_name(claims: Mapping[str, Any], email: str) -> str:
    """A name to register a first-time person under: the provider's, else the e-mail's local part."""
    name = str(claims.get("name") or "").strip()
    if not name:
        name = " ".join(str(claims.get(k) or "").strip() for k in ("given_name", "family_name")).strip()
    return (name or email.partition("@")[0])[:200]


def sign_in_expired(claims: Mapping[str, Any], now: datetime | None = None) -> bool:
    """True once the provider's identity token has expired (its `exp` claim, seconds since 1970): the person
    signs in again. Streamlit's own cookie lasts 30 days, so this is what makes the provider's limit hold."""
    expires = claims.get("exp")
    if expires is None or isinstance(expires, bool):
        return False
    try:
        expiry = datetime.fromtimestamp(float(expires), UTC)
    except (TypeError, ValueError, OverflowError):
        return True
    return (now or datetime.now(UTC)) >= expiry
