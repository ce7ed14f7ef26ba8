"""An invitation to read a portfolio becomes a share once its address is verified on an
account: when the address is confirmed, and (for addresses verified some other way) at sign-in."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from .sharing import claim_invitations


@receiver(email_confirmed, dispatch_uid="portfolios-claim-on-email-confirmed")
def claim_on_email_confirmed(sender, request, email_address, **kwargs):
    claim_invitations(email_address.user)


@receiver(user_logged_in, dispatch_uid="portfolios-claim-on-login")
def claim_on_login(sender, request, user, **kwargs):
    claim_invitations(user)
