from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.conf import settings

from cms.urls_util import absolute_url, site_domain, site_url

from .mfa import CANNOT_REMOVE_MESSAGE, may_remove


def user_display(user) -> str:
    """ACCOUNT_USER_DISPLAY: the name the person uses, never their email address."""
    return user.display_name


@dataclass(frozen=True)
class SiteLabel:
    """What allauth's templates read as `current_site`: the site's own name and address, not
    the host the request happened to use (there is no django.contrib.sites here)."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open (anyone may keep a portfolio); roles only ever come from invitations.
    Emails speak as the site (SITE_NAME) and link to its address (cms.urls_util)."""

    def is_open_for_signup(self, request):
        return True

    def send_mail(self, template_prefix: str, email: str, context_: dict) -> None:
        request = context.request
        context_ = {
            "current_site": SiteLabel(settings.SITE_NAME, site_domain(request)),
            "site_name": settings.SITE_NAME,
            "site_url": site_url(request),
            **context_,
        }
        super().send_mail(template_prefix, email, context_)

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_url(super().get_email_confirmation_url(request, emailconfirmation), request)

    def get_reset_password_from_key_url(self, key: str) -> str:
        return absolute_url(super().get_reset_password_from_key_url(key), self.request)


class MFAAdapter(DefaultMFAAdapter):
    """Anyone the access rules let read another person's record keeps a second factor: allauth
    asks `can_delete_authenticator` before deactivating TOTP; `accounts.mfa_views` asks the same
    before removing a security key or passkey."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": CANNOT_REMOVE_MESSAGE,
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        return may_remove(authenticator) and super().can_delete_authenticator(authenticator)
