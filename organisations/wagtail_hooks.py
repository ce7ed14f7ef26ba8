"""Wagtail admin: superusers set up organisations, their teams and each organisation's first
admin. After that, organisation admins invite people and end roles on the site itself."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from wagtail import hooks
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import BasePermissionPolicy
from wagtail.permissions import register_permission_policy

from cms.forms import date_in_range_validator

from .models import Membership, Organisation, Team


class SuperuserOnlyPermissionPolicy(BasePermissionPolicy):
    """Only superusers: a model permission granted to a group must not let anyone give roles."""

    def user_has_permission(self, user, action):
        return bool(user.is_active and user.is_superuser)

    def user_has_any_permission(self, user, actions):
        return self.user_has_permission(user, None)

    def users_with_any_permission(self, actions):
        return get_user_model().objects.filter(is_active=True, is_superuser=True)

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


for _model in (Organisation, Team, Membership):
    register_permission_policy(_model, SuperuserOnlyPermissionPolicy(_model))


class MembershipAdminForm(WagtailAdminModelForm):
    guard_exempt = {"registration_number": "a Social Work England registration number"}

    class Meta:
        model = Membership
        fields = [
            "user",
            "organisation",
            "team",
            "role",
            "starts_on",
            "ends_on",
            "asye",
            "peps_stage",
            "registration_number",
            "first_registered_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, what in (
            ("starts_on", "start date"),
            ("ends_on", "end date"),
            ("first_registered_on", "first registration date"),
        ):
            self.fields[name].validators.append(date_in_range_validator(what))

    def clean(self):
        cleaned_data = super().clean()
        by = self.for_user
        if by is not None and cleaned_data.get("user") == by and self.instance._state.adding:
            raise ValidationError(
                {"user": "Nobody gives themselves a role: another superuser must do it."}
            )
        if by is not None and self.instance._state.adding:
            self.instance.created_by = by
        return cleaned_data


# Named so as not to clash with the site's own "organisations" URL namespace.
class OrganisationViewSet(ModelViewSet):
    model = Organisation
    name = "admin_organisations"
    url_prefix = "organisations"
    icon = "site"
    form_fields = ["name", "slug", "kind"]
    list_display = ["name", "slug", "kind"]
    list_filter = ["kind"]
    search_fields = ["name", "slug"]
    search_backend_name = None
    copy_view_enabled = False


class TeamViewSet(ModelViewSet):
    model = Team
    name = "admin_teams"
    url_prefix = "teams"
    icon = "folder-open-inverse"
    form_fields = ["organisation", "name", "slug", "parent"]
    list_display = ["name", "organisation", "parent", "slug"]
    list_filter = ["organisation"]
    search_fields = ["name", "organisation__name"]
    search_backend_name = None
    copy_view_enabled = False


class MembershipViewSet(ModelViewSet):
    model = Membership
    name = "admin_roles"
    url_prefix = "roles"
    icon = "user"
    menu_label = "Roles"
    list_display = ["user", "role", "organisation", "starts_on", "ends_on"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "organisation__name"]
    search_backend_name = None
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return MembershipAdminForm


class OrganisationsGroup(ModelViewSetGroup):
    menu_label = "Organisations"
    menu_icon = "group"
    menu_order = 210
    items = (OrganisationViewSet, TeamViewSet, MembershipViewSet)


@hooks.register("register_admin_viewset")
def register_organisations_viewsets():
    return OrganisationsGroup()
