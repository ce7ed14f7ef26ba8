"""Keeping the private Elasticsearch index current, after commit, through the task framework
(`django_tasks`, as Wagtail's own index updates): production runs a worker; tests use the
immediate backend. Only when ELASTICSEARCH_URL is set: on the database backend modelsearch
updates its own index, and access is the live access-rule queryset, so nothing else is needed.

A record is reindexed when it is saved, removed when deleted, and the records whose readers a
change alters (a share, evidence shared into an appraisal, an appraisal's participants) are
reindexed with it (`SearchType.dependants`, with their many-to-many fields). Ends of roles and shares need no reindex: the
user's side of the principals is computed at query time (search.principals).
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django_tasks import task

from .indexing import elasticsearch_enabled
from .registry import get_type, search_types


@task()
def index_records_task(kind: str, pks: list[str]) -> int:
    from .es_backend import index_records

    search_type = get_type(kind)
    objs = search_type.for_display(search_type.model._default_manager.filter(pk__in=pks))
    found = list(objs)
    written = index_records(search_type, found)
    gone = set(map(str, pks)) - {str(o.pk) for o in found}
    if gone:
        remove_records_task.call(kind, sorted(gone))
    return written


@task()
def remove_records_task(kind: str, pks: list[str]) -> None:
    from .es_backend import remove_records

    remove_records(kind, pks)


def enqueue_index(kind: str, pks) -> None:
    pks = sorted({str(pk) for pk in pks})
    if pks and elasticsearch_enabled():
        transaction.on_commit(lambda: index_records_task.enqueue(kind, pks))


def _record_saved(sender, instance, raw=False, **kwargs):
    if raw or not elasticsearch_enabled():
        return
    for search_type in search_types():
        if isinstance(instance, search_type.model):
            enqueue_index(search_type.key, [instance.pk])


def _record_deleted(sender, instance, **kwargs):
    for search_type in search_types():
        if isinstance(instance, search_type.model) and elasticsearch_enabled():
            transaction.on_commit(
                lambda k=search_type.key, pk=str(instance.pk): remove_records_task.enqueue(k, [pk])
            )


def _dependant_changed(sender, instance, **kwargs):
    # Nothing to do (not even a query) on the database backend.
    if kwargs.get("raw") or not elasticsearch_enabled():
        return
    for search_type in search_types():
        for label, records_of in search_type.dependants:
            if sender is apps.get_model(label):
                enqueue_index(search_type.key, records_of(instance).values_list("pk", flat=True))


def connect_signals() -> None:
    dependants = {apps.get_model(label) for t in search_types() for label, _ in t.dependants}
    for search_type in search_types():
        post_save.connect(
            _record_saved, sender=search_type.model, dispatch_uid=f"s-{search_type.key}"
        )
        post_delete.connect(
            _record_deleted, sender=search_type.model, dispatch_uid=f"d-{search_type.key}"
        )
    for model in dependants:
        post_save.connect(_dependant_changed, sender=model, dispatch_uid=f"dep-{model._meta.label}")
        post_delete.connect(
            _dependant_changed, sender=model, dispatch_uid=f"depd-{model._meta.label}"
        )
    # A dependant's many-to-many fields change readers too (a share's chosen entries, a
    # partnership's employers): reindex when they change from the dependant's side.
    for model in dependants:
        for relation in model._meta.many_to_many:
            m2m_changed.connect(
                lambda sender, instance, action, model=model, **kw: (
                    action.startswith("post_")
                    and isinstance(instance, model)
                    and _dependant_changed(model, instance)
                ),
                sender=relation.remote_field.through,
                dispatch_uid=f"depm-{model._meta.label}-{relation.name}",
                weak=False,
            )
