from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up is open (anyone may keep a portfolio); roles only ever come from invitations."""

    def is_open_for_signup(self, request):
        return True
