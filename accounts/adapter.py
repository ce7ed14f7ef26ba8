from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter

from .mfa import CANNOT_REMOVE_MESSAGE, may_remove


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open (anyone may keep a portfolio); roles only ever come from invitations."""

    def is_open_for_signup(self, request):
        return True


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
