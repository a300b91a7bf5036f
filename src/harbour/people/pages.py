"""The router of the people pages, shared by the modules that add pages of a person's record."""

from __future__ import annotations

from harbour.web import page_router

pages = page_router(prefix="/people")
