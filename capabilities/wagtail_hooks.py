from django.core.exceptions import PermissionDenied
from django.urls import path, reverse
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import (
    EditView,
    IndexView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from . import admin_views, moodle_admin
from .models import Association, Framework, FrameworkVersion, Item
from .permissions import FrameworkContentPermissionPolicy

for _model in (FrameworkVersion, Item, Association):
    register_permission_policy(_model, FrameworkContentPermissionPolicy(_model))


class FrozenContentEditView(EditView):
    """Wagtail checks model permissions here; published content is refused per instance."""

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        ):
            raise PermissionDenied
        return obj


class FrameworkViewSet(SnippetViewSet):
    model = Framework
    icon = "doc-full"
    list_display = ["title", "slug", "kind"]


class FrameworkVersionIndexView(IndexView):
    """The list of versions, with buttons to import a framework from a CASE package or a Moodle
    CSV file."""

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("capabilities.add_frameworkversion"):
            buttons.append(
                HeaderButton(
                    "Import a CASE package",
                    url=reverse("capabilities_import_case"),
                    icon_name="upload",
                )
            )
            buttons.append(
                HeaderButton(
                    "Import a Moodle CSV file",
                    url=reverse("capabilities_import_moodle"),
                    icon_name="upload",
                )
            )
        return buttons


class FrameworkVersionViewSet(SnippetViewSet):
    edit_view_class = FrozenContentEditView
    index_view_class = FrameworkVersionIndexView
    model = FrameworkVersion
    icon = "history"
    menu_label = "Versions"
    list_display = ["__str__", "slug", "status", "last_published_at"]
    list_filter = ["framework", "live"]


class ItemViewSet(SnippetViewSet):
    edit_view_class = FrozenContentEditView
    model = Item
    icon = "list-ul"
    menu_label = "Items and statements"
    list_display = ["code", "__str__", "kind", "version"]
    list_filter = ["version", "kind"]
    search_fields = ["code", "title", "full_statement"]
    list_per_page = 50


class AssociationViewSet(SnippetViewSet):
    edit_view_class = FrozenContentEditView
    model = Association
    icon = "link"
    list_display = ["__str__", "association_type", "version"]
    list_filter = ["version", "association_type"]


class FrameworkGroup(SnippetViewSetGroup):
    menu_label = "Framework"
    menu_icon = "doc-full-inverse"
    menu_order = 200
    items = (FrameworkViewSet, FrameworkVersionViewSet, ItemViewSet, AssociationViewSet)


register_snippet(FrameworkGroup)


@hooks.register("register_admin_urls")
def register_framework_admin_urls():
    return [
        path(
            "framework/versions/<int:pk>/new-draft/",
            admin_views.new_draft_version,
            name="capabilities_new_draft_version",
        ),
        path(
            "framework/import-case/",
            admin_views.import_case_package,
            name="capabilities_import_case",
        ),
        path(
            "framework/import-moodle/",
            moodle_admin.import_moodle_file,
            name="capabilities_import_moodle",
        ),
    ]


@hooks.register("register_snippet_listing_buttons")
def new_draft_button(snippet, user, next_url=None):
    if isinstance(snippet, FrameworkVersion) and user.has_perm("capabilities.add_frameworkversion"):
        yield Button(
            "New draft version",
            reverse("capabilities_new_draft_version", args=[snippet.pk]),
            icon_name="copy",
            priority=50,
        )


@hooks.register("register_help_menu_item")
def new_framework_guidance_menu_item():
    return MenuItem(
        "When a new framework is published",
        reverse("capabilities:guidance-new-framework"),
        icon_name="help",
        order=100,
    )
