"""allauth's forms with error messages that name the field, GOV.UK style ("Enter your email
address", not "This field is required." twice). Wired in by ACCOUNT_FORMS and MFA_FORMS in the
settings; everything else is allauth's."""

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms

#: The message for an empty field, by field name (the same names across allauth's forms).
REQUIRED = {
    "login": "Enter your email address",
    "email": "Enter your email address",
    "password": "Enter your password",
    "oldpassword": "Enter your current password",
    "password1": "Enter a password",
    "password2": "Enter the password again",
    "code": "Enter the code",
}

OPT_OUT = "sign-in and account details, not a record about a person"


class NamedRequiredMixin:
    """Each empty required field says which field it is."""

    guard_opt_out = OPT_OUT

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in REQUIRED:
                field.error_messages["required"] = REQUIRED[name]


class LoginForm(NamedRequiredMixin, account_forms.LoginForm):
    pass


class SignupForm(NamedRequiredMixin, account_forms.SignupForm):
    pass


class AddEmailForm(NamedRequiredMixin, account_forms.AddEmailForm):
    pass


class ChangePasswordForm(NamedRequiredMixin, account_forms.ChangePasswordForm):
    pass


class SetPasswordForm(NamedRequiredMixin, account_forms.SetPasswordForm):
    pass


class ResetPasswordForm(NamedRequiredMixin, account_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(NamedRequiredMixin, account_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(NamedRequiredMixin, account_forms.ReauthenticateForm):
    pass


class AuthenticateForm(NamedRequiredMixin, mfa_forms.AuthenticateForm):
    pass


class MFAReauthenticateForm(NamedRequiredMixin, mfa_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(NamedRequiredMixin, totp_forms.ActivateTOTPForm):
    pass
