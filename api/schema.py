from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your profile's API tokens page.",
        }


ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# Field → its messages (DRF's validation errors, a filter's bad value included).
INVALID = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
ERRORS = {
    "400": ("Invalid", "A filter or field with a bad value: each one's messages."),
    "401": ("Error", "No token, or one that is invalid, expired or revoked."),
    "403": ("Error", "The token's owner may not do this, or the token is read-only."),
    "404": ("Error", "Out of the token owner's scope, unknown, or a bad cursor."),
    "429": ("Error", "Too many requests with this token: wait (see Retry-After)."),
}


def document_errors(result, generator, request, public):
    """A drf-spectacular post-processing hook: the error answers every API operation may give
    (the same DRF error bodies everywhere), so clients and contract tests know them. 400 where
    there are query parameters or a body, 404 where there is an id or a cursor."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("Invalid", INVALID)
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in operations.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            names = {p["name"] for p in operation.get("parameters", ())}
            kinds = {p["in"] for p in operation.get("parameters", ())}
            codes = {"401", "403", "429"}
            if "query" in kinds or "requestBody" in operation:
                codes.add("400")
            if "path" in kinds or "cursor" in names:
                codes.add("404")
            for code in sorted(codes):
                schema, description = ERRORS[code]
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{schema}"}
                            }
                        },
                    },
                )
    return result
