from django.conf import settings


class AdminContentSecurityPolicyMiddleware:
    """Give Wagtail's admin (which uses inline scripts and styles) its own, looser policy.

    It sits after Django's ContentSecurityPolicyMiddleware in MIDDLEWARE, so it sees the response
    first and sets the per-response override that middleware reads.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(("/admin/", "/django-admin/")):
            response._csp_config = settings.ADMIN_CSP
        return response
