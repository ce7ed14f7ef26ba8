"""Recording who read or changed another person's record."""

from django.contrib.contenttypes.models import ContentType

from .models import AccessEvent


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: behind a proxy, the proxy sets it (e.g. gunicorn --forwarded-allow-ips);
    # a client-supplied X-Forwarded-For is never trusted here.
    return request.META.get("REMOTE_ADDR") or None


def record_access(*, request, obj, owner, action=AccessEvent.Action.READ, organisation=None):
    """Log access to `obj` (a record belonging to `owner`) unless the owner is the one acting."""
    actor = request.user
    if not actor.is_authenticated or actor.pk == owner.pk:
        return None
    return AccessEvent.objects.create(
        actor=actor,
        actor_email=actor.email,
        owner=owner,
        organisation=organisation,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        path=request.get_full_path()[:500],
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
    )
