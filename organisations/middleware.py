from . import selectors


class RolesPerRequestMiddleware:
    """Read the signed-in person's roles at most once per request, for every access rule that
    asks `organisations_where` (see `organisations.selectors`); the memo ends with the request.
    After the authentication middleware, before anything that asks the rules (the MFA check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = selectors.begin_request(request)
        try:
            return self.get_response(request)
        finally:
            selectors.end_request(token)
