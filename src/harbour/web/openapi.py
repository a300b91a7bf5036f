"""The OpenAPI document states the rules the edge enforces on every request, so that a client
built from it sends nothing a schema allows and the server refuses.

Every request is refused with a 422 if any text in it holds a NUL character (`web.no_nul`):
each string in the document says so with a pattern, unless it already has one, and so does each
object's member names.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

NO_NUL = "^[^\\u0000]*$"


def _no_nul(node: Any) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and "pattern" not in node and "enum" not in node:
            node["pattern"] = NO_NUL
        if "properties" in node and "propertyNames" not in node:
            node["propertyNames"] = {"pattern": NO_NUL}  # the names of any extra members too
        for value in node.values():
            _no_nul(value)
    elif isinstance(node, list):
        for value in node:
            _no_nul(value)


def state_edge_rules(app: FastAPI) -> None:
    """Make the app's OpenAPI document carry the edge's rules (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            _no_nul(document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
