"""allauth's "remove a security key" page, refusing to remove the last second factor of anyone who
must use MFA (allauth's own view does not ask the adapter). Routed ahead of allauth's URL."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.webauthn.views import RemoveWebAuthnView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator


@method_decorator(login_required, name="dispatch")
class GuardedRemoveWebAuthnView(RemoveWebAuthnView):
    def form_valid(self, form):
        authenticator = self.get_object()
        if not get_adapter().can_delete_authenticator(authenticator):
            messages.error(
                self.request, get_adapter().error_messages["cannot_delete_authenticator"]
            )
            return HttpResponseRedirect(reverse("mfa_list_webauthn"))
        return super().form_valid(form)


remove_webauthn = GuardedRemoveWebAuthnView.as_view()
