"""API shapes for accounts."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from harbour.actor import Role


class MeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    organisation_id: int
    team_id: int | None
