"""Who may change framework content in the admin: nobody may change a published version.

Model permissions say who edits drafts; this policy adds that published versions, their items
and their associations are frozen, so the admin never offers an edit that the models refuse.
"""

from wagtail.permission_policies import ModelPermissionPolicy

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
