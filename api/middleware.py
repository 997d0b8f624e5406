from django.middleware.http import ConditionalGetMiddleware


class ApiConditionalGetMiddleware(ConditionalGetMiddleware):
    """ETags on the API's answers (a hash of the body, per token since bodies are scoped), so
    a client polling with If-None-Match gets 304 Not Modified; the site's pages are left as
    they are."""

    def process_response(self, request, response):
        if not request.path.startswith("/api/"):
            return response
        return super().process_response(request, response)
