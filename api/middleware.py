from django.middleware.http import ConditionalGetMiddleware
from django.utils.cache import patch_cache_control, patch_vary_headers


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """HTTP caching of the API's answers: each is its token owner's own (private, varying by
    Authorization: no shared cache hands it to someone else), with an ETag (a hash of the body)
    so a client polling with If-None-Match gets 304 Not Modified. The site's pages are left as
    they are."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        patch_vary_headers(response, ["Authorization"])
        patch_cache_control(response, private=True, no_cache=True)
        return super().process_response(request, response)
