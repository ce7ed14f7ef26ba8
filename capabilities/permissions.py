"""Who may see and change framework content.

Published versions are public (no sign-in, no MFA). A draft is seen only by a signed-in person
with permission to edit framework versions who has MFA set up: the public pages under /framework/
and the CASE end points under /ims/ are exempt from the site-wide MFA middleware, so they ask
here (`versions_visible_to`), and answer 404 for a draft to anyone else.

In the admin, model permissions say who edits drafts; the policy below adds that published
versions, their items and their associations are frozen, so the admin never offers an edit that
the models refuse.
"""

from wagtail.permission_policies import ModelPermissionPolicy

from accounts.mfa import has_mfa

from .models import FrameworkVersion


def sees_drafts(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_perm("capabilities.change_frameworkversion")
        and has_mfa(user)
    )


def versions_visible_to(user):
    """Framework versions `user` may read: published ones, and drafts for editors with MFA."""
    return FrameworkVersion.objects.visible_to(user)


FROZEN_ACTIONS = {"change", "delete", "lock", "unlock"}


def _version_of(instance):
    return getattr(instance, "version", instance)


class FrameworkContentPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        if action in FROZEN_ACTIONS and _version_of(instance).live:
            return False
        return super().user_has_permission_for_instance(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions):
        instances = super().instances_user_has_any_permission_for(user, actions)
        if set(actions) <= FROZEN_ACTIONS:
            field = "live" if self.model.__name__ == "FrameworkVersion" else "version__live"
            instances = instances.filter(**{field: False})
        return instances
