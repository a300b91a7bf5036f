"""The ceiling's pages for `ceiling.py`: FastAPI apps served with Harbour's uvicorn settings,
doing as little as a page can, so that the episode page is measured as a share of them.

- `static_app`: one `def` route (a thread-pool call, as Harbour's pages are) answering a fixed
  HTML page: the episode page's own bytes, read once from BARE_PAGE_FILE, so the response is as
  large as the episode page's. What the server, the framework and the network cost.
- `reference_app`: the reference page of `../shared/performance-notes.md`: a `def` route that
  reads one episode by primary key and ten related rows (the organisation's episodes before it)
  over the same database with a SQLAlchemy Session on psycopg 3, and renders a ~30-line Jinja2
  template. What a page that reads and renders, and nothing else, costs.

Both bound the requests working at once to HARBOUR_DATABASE_POOL_SIZE (default 20, Harbour's
own default), as Harbour's unit of work does, with a fixed pool of that many connections.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from jinja2 import Environment
from sqlalchemy import ForeignKey, create_engine, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

POOL = int(os.environ.get("HARBOUR_DATABASE_POOL_SIZE", "20"))


@asynccontextmanager
async def _bounded(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = POOL
    yield


def static_app() -> FastAPI:
    """The episode page's bytes, as a fixed page."""
    page = Path(os.environ["BARE_PAGE_FILE"]).read_bytes()
    app = FastAPI(lifespan=_bounded, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/page")
    def bare_page() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ok"}

    return app


class Base(DeclarativeBase):
    pass


class Episode(Base):
    __tablename__ = "episode"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    status: Mapped[str]
    reported_at: Mapped[datetime]
    reporter_name: Mapped[str | None]
    last_seen_text: Mapped[str | None]


TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Episode {{ episode.id }}</title></head>
<body>
<main>
  <h1>Episode {{ episode.id }}</h1>
  <dl>
    <dt>Person</dt><dd>{{ episode.person_id }}</dd>
    <dt>Status</dt><dd>{{ episode.status }}</dd>
    <dt>Reported</dt><dd>{{ episode.reported_at.strftime("%d %B %Y %H:%M") }}</dd>
    <dt>Reported by</dt><dd>{{ episode.reporter_name or "Not recorded" }}</dd>
    <dt>Last seen</dt><dd>{{ episode.last_seen_text or "Not recorded" }}</dd>
  </dl>
  <h2>Earlier episodes in the organisation</h2>
  <table>
    <thead><tr><th>Episode</th><th>Person</th><th>Status</th><th>Reported</th></tr></thead>
    <tbody>
    {% for other in others %}
      <tr>
        <td><a href="/episodes/{{ other.id }}">{{ other.id }}</a></td>
        <td>{{ other.person_id }}</td>
        <td>{{ other.status }}</td>
        <td>{{ other.reported_at.strftime("%d %B %Y") }}</td>
      </tr>
    {% else %}
      <tr><td colspan="4">None</td></tr>
    {% endfor %}
    </tbody>
  </table>
</main>
</body>
</html>
"""


def reference_app() -> FastAPI:
    """One row by primary key, ten related rows, a Jinja2 template: the reference page."""
    url = os.environ["HARBOUR_DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, pool_size=POOL, max_overflow=0)
    factory = sessionmaker(bind=engine)
    template = Environment(autoescape=True).from_string(TEMPLATE)
    app = FastAPI(lifespan=_bounded, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/episodes/{episode_id}")
    def reference_page(episode_id: int) -> HTMLResponse:
        with factory() as session:
            episode = session.get(Episode, episode_id)
            if episode is None:
                return HTMLResponse("Not found", status_code=404)
            others = session.scalars(
                select(Episode)
                .where(Episode.organisation_id == episode.organisation_id, Episode.id < episode.id)
                .order_by(Episode.id.desc())
                .limit(10)
            ).all()
            return HTMLResponse(template.render(episode=episode, others=others))

    @app.get("/readyz")
    def readyz() -> dict[str, str]:
        return {"status": "ok"}

    return app
