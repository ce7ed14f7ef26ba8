"""Recording who read or changed another person's record.

`log_access` is the one writer: services call it with the actor (they have no request); views
call `record_access`, which fills in the actor and where the request came from."""

from django.contrib.contenttypes.models import ContentType

from .models import AccessEvent

CHANGE_MAX = AccessEvent._meta.get_field("change").max_length


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: behind a proxy, the proxy sets it (e.g. gunicorn --forwarded-allow-ips);
    # a client-supplied X-Forwarded-For is never trusted here.
    return request.META.get("REMOTE_ADDR") or None


def _event(
    *,
    actor,
    obj,
    owner,
    action: str,
    organisation,
    change: str,
    request,
    ip_address: str | None,
) -> AccessEvent | None:
    """The unsaved event, or None when nothing is to be logged (the owner acting)."""
    if actor is None or not actor.is_authenticated or owner is None or actor.pk == owner.pk:
        return None
    if request is not None:
        ip_address = client_ip(request)
    if len(change) > CHANGE_MAX:
        change = change[: CHANGE_MAX - 1] + "…"
    return AccessEvent(
        actor=actor,
        actor_email=actor.email,
        owner=owner,
        organisation=organisation,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        change=change,
        path=request.get_full_path()[:500] if request is not None else "",
        ip_address=ip_address,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else "",
    )


def log_access(
    *,
    actor,
    obj,
    owner,
    action: str = AccessEvent.Action.READ,
    organisation=None,
    change: str = "",
    request=None,
    ip_address: str | None = None,
) -> AccessEvent | None:
    """Log that `actor` acted on `obj` (a record belonging to `owner`), unless the owner is the
    one acting. Services call this with the actor (they have no request). `change` says what
    changed (field names, before → after for choices and dates, or a short description), never
    free text of personal data. `request` (optional) adds the path, address and browser;
    without it, `ip_address` may be given."""
    event = _event(
        actor=actor,
        obj=obj,
        owner=owner,
        action=action,
        organisation=organisation,
        change=change,
        request=request,
        ip_address=ip_address,
    )
    if event is not None:
        event.save()
    return event


def record_reads(*, request, records, organisation=None) -> int:
    """Log reads of several people's records shown on one page, in one query: `records` holds
    (obj, owner) pairs. Returns the number logged."""
    events = [
        event
        for obj, owner in records
        if (
            event := _event(
                actor=request.user,
                obj=obj,
                owner=owner,
                action=AccessEvent.Action.READ,
                organisation=organisation,
                change="",
                request=request,
                ip_address=None,
            )
        )
    ]
    AccessEvent.objects.bulk_create(events)
    return len(events)


def record_access(
    *,
    request,
    obj,
    owner,
    action: str = AccessEvent.Action.READ,
    organisation=None,
    change: str = "",
) -> AccessEvent | None:
    """Log access from a view: the signed-in user is the actor."""
    return log_access(
        actor=request.user,
        obj=obj,
        owner=owner,
        action=action,
        organisation=organisation,
        change=change,
        request=request,
    )


def changed_fields(before: dict, after: dict, *, show_values: tuple[str, ...] = ()) -> str:
    """A summary of what changed between two {field: value} dicts: the field names, and
    before → after only for the fields in `show_values` (choices, dates, numbers; never free
    text)."""
    parts = []
    for name, old in before.items():
        new = after.get(name)
        if old == new:
            continue
        label = name.replace("_", " ")
        if name in show_values:
            parts.append(f"{label}: {_shown(old)} → {_shown(new)}")
        else:
            parts.append(label)
    return "; ".join(parts)


def _shown(value) -> str:
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)
