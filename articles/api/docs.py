"""The API's documentation: the OpenAPI schema's security schemes, and the Swagger UI page served from our
own static files (django-ninja ships Swagger UI's assets), so reading the docs sends no request off the site.

The page has no inline script: its settings travel as a JSON data block, which the Content Security Policy
does not treat as script, and ninja's init script is a static file (script-src 'self' is enough).
"""

from functools import cached_property

from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase

SECURITY_SCHEMES = {
    "bearerKey": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key from the newsroom: `Authorization: Bearer nrk_…`",
    },
    "headerKey": {"type": "apiKey", "in": "header", "name": "X-Api-Key", "description": "The same key"},
}
# Anonymous ({}) or either way of sending a key: a key raises the rate limit, it is never required.
SECURITY = [{}, {"bearerKey": []}, {"headerKey": []}]


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None and not path_params:
            return self._schema
        return self._with_security(
            super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        )

    @cached_property
    def _schema(self):
        # Built once per process: it depends on the code alone.
        return self._with_security(super().get_openapi_schema())

    @staticmethod
    def _with_security(schema):
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        schema["security"] = SECURITY
        return schema


class LocalSwagger(DocsBase):
    template = "api/docs.html"
    settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        # Swagger UI would otherwise send the schema to validator.swagger.io for a badge.
        "validatorUrl": None,
        "tryItOutEnabled": True,
    }

    def render_page(self, request, api, **kwargs):
        context = {
            "api": api,
            "swagger_settings": {**self.settings, "url": self.get_openapi_url(api, kwargs)},
        }
        return render(request, self.template, context)
