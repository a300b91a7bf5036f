"""Pages for a missing episode: report, grade with the force's data, review, return, close.

Each page that shows personal data asks for the person's justification first (the same one the
person's own page asks for), and logs the view with it. Each module has its own router;
`routers` lists them in the order the app includes them, which matters: `/episodes/new` before
`/episodes/{id}`, and the return steps last, because their path (`/episodes/{id}/{step}`) would
otherwise shadow `/close`, `/actions`, `/handover` and `/tasks`.
"""

from harbour.episodes.routes import (
    actions,
    allocation,
    grading,
    named,
    page,
    report,
    return_home,
    reviews,
)

MODULES = (report, page, grading, reviews, actions, named, allocation, return_home)
routers = tuple(m.pages for m in MODULES)

__all__ = ["routers"]
