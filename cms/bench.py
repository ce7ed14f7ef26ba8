"""Only for `bench/run` (settings `cms.settings.bench`): the floor view and the query counter."""

from django.db import connections
from django.http import HttpResponse


def floor(request):
    """The least a page can cost: the whole middleware stack (session, user, MFA check for a
    signed-in person) and a tiny response."""
    return HttpResponse(
        "signed in" if request.user.is_authenticated else "ok", content_type="text/plain"
    )


class QueryCountMiddleware:
    """Count the SQL statements run while answering, into the `X-Bench-Queries` header (a
    streamed response's header is sent before its body, so it counts what came before)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        wrappers = [c.execute_wrapper(counter) for c in connections.all()]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(count[0])
        return response
