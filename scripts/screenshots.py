"""Take the user guide's screenshots (docs/images/*.png) from a scratch Harbour, in Chromium.

Run it from the repository root once Harbour is set up (`make setup`: the virtual environment and
the front-end assets) and Chromium is installed (Debian package `chromium`):

    .venv/bin/python scripts/screenshots.py                  # writes docs/images/*.png
    .venv/bin/python scripts/screenshots.py --out /tmp/shots --keep

What it does, so that the pictures are the same each time:

1. makes a scratch SQLite database in a temporary folder (never `var/harbour.db`) and runs
   `harbour db upgrade`, `harbour demo setup` and `harbour simulate --scale demo --seed 7 --load`
   against it (the simulated files go to the temporary folder too);
2. picks the same invented child each time (the looked-after child at risk of sexual
   exploitation with the most earlier episodes who is not missing now);
3. starts `harbour serve` on a free port (with Harbour's default settings) and drives Chromium
   (Playwright) through the missing-episode workflow as the demo users: the call handler reports
   her missing and hands the report to the hub, the hub officer grades her with the force's data
   in front of them and sets enquiries, a sergeant's save meets the hub officer's (optimistic
   locking), the inspector reviews the grade, the officer sees the enquiry they were given, she
   is found, the safe-and-well check and the return home interview are recorded, the episode
   closes, and the auditor reads its audit log; the hub officer's home page is the README's;
4. saves PNGs of the page's 960-pixel column (1000 pixels wide or narrower, cropped to the part
   the guide talks about) into the output folder.

Times on the pictures are real (Harbour's clock is not frozen), so they change from run to run;
the people, the pages and the crops do not. Options: `--seed`, `--chromium PATH`
(default `$HARBOUR_CHROMIUM` or /usr/bin/chromium), `--keep` (keep the temporary folder and
print where it is), `--only NAME` (repeatable: save only these screenshots, e.g. `--only home`).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.error import URLError
from urllib.request import urlopen
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
WIDTH = 1280
HEIGHT = 900
UK = ZoneInfo("Europe/London")
# GOV.UK pages are 960 pixels wide, centred: crop to that column with a small margin.
LEFT = (WIDTH - 960) // 2 - 20
RIGHT = WIDTH - LEFT
NARROW_RIGHT = LEFT + 20 + 640 + 30  # the two-thirds column that holds forms
PAD = 12


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Harbour:
    """A scratch Harbour: its database, its simulated force area and a running server."""

    def __init__(self, folder: Path, seed: int) -> None:
        self.folder = folder
        self.seed = seed
        self.db_file = folder / "harbour.db"
        # Harbour's default settings, whatever this shell has set (a force's own clocks or risk
        # policy would change the pictures), on the scratch database.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("HARBOUR_")}
        self.env |= {
            "HARBOUR_DATABASE_URL": f"sqlite:///{self.db_file}",
            "HARBOUR_ENV": "development",
            "HARBOUR_TIMEZONE": UK.key,
            "HARBOUR_LOG_JSON": "false",
            "HARBOUR_LOG_LEVEL": "WARNING",
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.base = ""

    def _cli(self, *args: str) -> None:
        command = [sys.executable, "-m", "harbour.cli", *args]
        done = subprocess.run(  # noqa: S603 (our own command line, no shell)
            command, env=self.env, cwd=ROOT, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            sys.exit(f"`harbour {' '.join(args)}` failed:\n{done.stdout}\n{done.stderr}")

    def set_up(self) -> None:
        print(f"Scratch database: {self.db_file}")
        self._cli("db", "upgrade")
        self._cli("demo", "setup")
        self._cli(
            "simulate",
            "--scale",
            "demo",
            "--seed",
            str(self.seed),
            "--out",
            str(self.folder / "simulate"),
            "--load",
        )
        self._cli("identity", "resolve")
        self._cli("network", "analyse")

    def start(self) -> str:
        port = _free_port()
        log = (self.folder / "serve.log").open("wb")
        self.process = subprocess.Popen(  # noqa: S603 (our own command line, no shell)
            [sys.executable, "-m", "harbour.cli", "serve", "--port", str(port)],
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urlopen(f"{self.base}/readyz", timeout=1) as answer:  # noqa: S310
                    if answer.status == 200:
                        return self.base
            except (URLError, OSError):
                time.sleep(0.2)
        self.stop()
        sys.exit(f"Harbour did not start within 30 seconds; see {self.folder / 'serve.log'}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def subject(self) -> dict[str, Any]:
        """The child the pictures follow: looked after, at risk of sexual exploitation, the most
        earlier episodes, none open now, aged 12 to 15 (ties broken by record number)."""
        code = """
import json, sys
from datetime import date
from sqlalchemy import func, select
from harbour import db
from harbour.episodes.models import Episode, EpisodeStatus
from harbour.people.models import Person
today = date.today()
with db.unit_of_work() as session:
    counts = dict(session.execute(
        select(Episode.person_id, func.count()).group_by(Episode.person_id)).all())
    missing = set(session.scalars(
        select(Episode.person_id).where(Episode.status == EpisodeStatus.missing)))
    best = None
    for p in session.scalars(select(Person).where(Person.philomena.is_not(None))):
        if not p.date_of_birth or "cse_risk" not in (p.flags or []) or p.id in missing:
            continue
        age = (today - p.date_of_birth).days // 365
        key = (-counts.get(p.id, 0), p.id)
        if 12 <= age <= 15 and (best is None or key < best[0]):
            best = (key, p)
    if best is None:
        sys.exit("no child fits")
    p = best[1]
    print(json.dumps({"id": p.id, "given": p.given_name, "family": p.family_name,
                      "name": p.display_name, "episodes": counts.get(p.id, 0)}))
"""
        done = subprocess.run(  # noqa: S603 (our own interpreter, no shell)
            [sys.executable, "-c", code],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            sys.exit(f"Could not choose the child to follow:\n{done.stderr}")
        chosen: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return chosen


class Camera:
    """Saves cropped screenshots of the GOV.UK page column."""

    def __init__(self, out: Path, only: set[str]) -> None:
        self.out = out
        self.only = only
        self.saved: list[Path] = []

    def wanted(self, name: str) -> bool:
        return not self.only or name in self.only

    def shot(
        self,
        page: Page,
        name: str,
        top: Locator | None = None,
        bottom: Locator | None = None,
        *,
        height: int | None = None,
        narrow: bool = False,
        column: Locator | None = None,
    ) -> None:
        """Save the page from `top` (default: the top of the page) to the bottom of `bottom`
        (default: `height` pixels further down, or the viewport's height). The picture is the
        page's 960-pixel column; `narrow` keeps its left two thirds (forms), `column` starts
        it at that element's left edge."""
        if not self.wanted(name):
            return
        page.wait_for_load_state("networkidle")
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.mouse.move(0, 0)
        scroll = page.evaluate("() => [window.scrollX, window.scrollY]")
        left, right = LEFT, (NARROW_RIGHT if narrow else RIGHT)
        if column is not None:
            box = column.bounding_box()
            assert box is not None, f"{name}: column not visible"
            left = int(box["x"] + scroll[0]) - PAD
        y0 = 0.0
        if top is not None:
            box = top.bounding_box()
            assert box is not None, f"{name}: top not visible"
            y0 = max(0.0, box["y"] + scroll[1] - PAD)
        if bottom is not None:
            box = bottom.bounding_box()
            assert box is not None, f"{name}: bottom not visible"
            y1 = box["y"] + scroll[1] + box["height"] + PAD
        else:
            y1 = y0 + (height or HEIGHT)
        path = self.out / f"{name}.png"
        page.screenshot(
            path=path,
            full_page=True,
            clip={"x": left, "y": y0, "width": right - left, "height": y1 - y0},
            animations="disabled",
            caret="hide",
        )
        self.saved.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def element(self, page: Page, name: str, element: Locator) -> None:
        """Save one element of the page, whole."""
        if not self.wanted(name):
            return
        page.evaluate("() => document.activeElement && document.activeElement.blur()")
        page.mouse.move(0, 0)
        path = self.out / f"{name}.png"
        element.screenshot(path=path, animations="disabled", caret="hide")
        self.saved.append(path)
        print(f"  {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


# -- driving the pages ------------------------------------------------------------------------


def _uk(minutes_ago: float) -> datetime:
    return (datetime.now(UTC) - timedelta(minutes=minutes_ago)).astimezone(UK)


def _fill_when(page: Page, name: str, minutes_ago: float) -> None:
    """Fill a GOV.UK date-and-time input with a time a few minutes ago (UK time)."""
    at = _uk(minutes_ago)
    page.locator(f"#{name}_day").fill(str(at.day))
    page.locator(f"#{name}_month").fill(str(at.month))
    page.locator(f"#{name}_year").fill(str(at.year))
    page.locator(f"#{name}_time").fill(f"{at:%H:%M}")


@contextmanager
def signed_in(browser: Browser, base: str, username: str) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(
        base_url=base, viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
    )
    page = context.new_page()
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(_password())
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("sign-out")).to_be_visible()
    try:
        yield page
    finally:
        context.close()


def _password() -> str:
    from harbour.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def _justify(page: Page, camera: Camera | None = None) -> None:
    """Answer the 'why are you viewing this record?' page."""
    expect(page.get_by_role("heading", name="Why are you viewing this record?")).to_be_visible()
    page.get_by_label("Active missing person investigation").check()
    if camera is not None:
        camera.shot(
            page, "justify", bottom=page.get_by_role("button", name="Continue to the record")
        )
    page.get_by_role("button", name="Continue to the record").click()


def _radio(page: Page, name: str, value: str) -> None:
    page.locator(f"input[name='{name}'][value='{value}']").check()


def _heading(page: Page, text: str) -> Locator:
    return page.get_by_role("heading", name=text, exact=True)


def _conflict(browser: Browser, base: str, episode_path: str, camera: Camera) -> None:
    """A hub officer and a sergeant add information to the same episode, opened at once."""
    with (
        signed_in(browser, base, "hub_officer") as first,
        signed_in(browser, base, "sergeant") as second,
    ):
        for page in (first, second):
            page.goto(episode_path)
            _justify(page)
            page.get_by_text("Add information").click()
            page.get_by_label("Last seen", exact=True).check()
        first.get_by_label("Information", exact=True).fill("Seen at the bus station by the driver")
        first.locator("#given_by").fill("Bus driver, route 42")
        first.get_by_role("button", name="Add", exact=True).click()
        expect(first.get_by_text("Information added.")).to_be_visible()
        second.get_by_label("Information", exact=True).fill("Her friend has not seen her")
        second.locator("#given_by").fill("PC 412 Khan")
        second.get_by_role("button", name="Add", exact=True).click()
        summary = second.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        camera.shot(second, "conflict", top=second.locator(".moj-identity-bar"), bottom=summary)


def _expand_force_data(page: Page, expand: bool = True) -> None:
    """Widen the force-data panel to two thirds of the page, unstick it and let it grow, so
    that one picture shows all of it (on screen it sits in a third of the page beside the
    questions and scrolls on its own); `expand=False` puts it back."""
    script = """(el, expand) => {
        const column = el.parentElement, other = column.nextElementSibling;
        for (const node of [el, column, other]) node.removeAttribute('style');
        if (!expand) return;
        Object.assign(el.style, {position: 'static', maxHeight: 'none', overflow: 'visible'});
        column.style.width = '66.66%';
        other.style.display = 'none';
    }"""
    page.get_by_test_id("force-data").evaluate(script, expand)


def report(page: Page, child: dict[str, Any], camera: Camera) -> str:
    """The call handler finds the child, reports her missing and hands the report to the hub.
    Return the episode's path."""
    page.get_by_role("link", name="Report missing").click()
    page.get_by_label("Name", exact=True).fill(f"{child['given']} {child['family'][:5]}".lower())
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("matches")).to_be_visible()
    camera.shot(page, "report-search", bottom=page.get_by_test_id("matches"))
    page.get_by_role("link", name=f"Report missing {child['name']}").first.click()
    _justify(page, camera)
    expect(_heading(page, "Missing report")).to_be_visible()
    page.get_by_label("Reporter's name").fill("Dawn Ellis")
    page.get_by_label("Relationship to the missing person").fill("Children's home manager")
    page.get_by_label("Reporter's phone").fill("07700 900461")
    _fill_when(page, "last_seen", 150)
    page.get_by_label("Where they were last seen").fill(
        "Walking out of the children's home on Elm Road, heading towards the station"
    )
    page.get_by_label("What they were wearing").fill(
        "Black puffer jacket, grey tracksuit, white trainers, small pink backpack"
    )
    page.get_by_label("What they said they would do or where they meant to go").fill(
        "Said she was going to see a friend and would be back within the hour"
    )
    page.get_by_label("Description").fill(
        "Slim build, about 5 ft 2 in, braided hair, small scar above left eyebrow"
    )
    page.get_by_label("Circumstances").fill(
        "Her phone has been switched off since she left. Staff saw a grey car waiting near "
        "the home yesterday. She has been missing several times this autumn."
    )
    camera.shot(
        page,
        "report-form",
        top=page.locator(".govuk-caption-l").first,
        bottom=page.get_by_role("button", name="Save the report and grade the risk"),
        narrow=True,
    )
    page.get_by_role("button", name="Save the report and grade the risk").click()
    expect(page.get_by_text("Missing report saved")).to_be_visible()
    path = "/" + page.url.split("?")[0].split("/", 3)[3]
    # The call handler stays the owner until someone takes it on: hand it to the hub.
    page.get_by_text("Hand over the episode").click()
    page.get_by_label("New owner").select_option(label="Harper Hub (Hub officer)")
    page.get_by_role("button", name="Hand over and tell them").click()
    expect(page.get_by_text("Handed over.")).to_be_visible()
    return path


def grade(page: Page, camera: Camera) -> None:
    """The hub officer answers the risk questions beside the force's data and grades."""
    page.get_by_role("link", name="Grade the risk").click()
    expect(page.get_by_test_id("force-data")).to_contain_text("before this one")
    _radio(page, "out_of_character", "no")
    page.get_by_label("Older or controlling associates").check()
    page.get_by_label("Goes missing often").check()
    expect(page.get_by_test_id("suggestion")).to_contain_text("High")
    camera.shot(page, "grading", top=page.locator(".govuk-caption-l").first, height=1000)
    _expand_force_data(page)
    camera.element(page, "force-data", page.get_by_test_id("force-data"))
    _expand_force_data(page, expand=False)
    # First a grade below the suggestion without a reason: Harbour asks for one.
    _radio(page, "grade", "medium")
    rationale = page.get_by_label("Rationale")
    rationale.fill(
        "Looked after, CSE risk flag, missing often this autumn; grey car seen near the home. "
        "She is streetwise and keeps putting herself at risk."
    )
    rationale.press("End")  # the language check runs as the grader types
    warning = page.locator("#rationale-language").get_by_test_id("language")
    expect(warning).to_be_visible()
    camera.shot(
        page, "language", top=page.locator("label[for=rationale]"), bottom=warning, column=rationale
    )
    page.get_by_role("button", name="Save the grade").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    camera.shot(page, "grading-errors", top=page.locator(".govuk-error-summary"), height=150)
    page.get_by_test_id("suggestion").locator("summary").click()
    camera.shot(
        page,
        "grading-decision",
        top=_heading(page, "Your grade"),
        bottom=page.get_by_role("button", name="Save the grade"),
        column=_heading(page, "Your grade"),
    )
    _radio(page, "grade", "high")
    page.get_by_label("Rationale").fill(
        "Looked after, CSE risk flag, missing often this autumn and found with older males "
        "before; a grey car was seen waiting near the home. Serious harm is very likely."
    )
    page.get_by_label("Child Rescue Alert (needed if you grade high)").fill(
        "Considered with the duty inspector: criteria not met (no evidence of abduction). "
        "Review if the grey car is traced."
    )
    page.get_by_role("button", name="Save the grade").click()
    expect(page.get_by_text("Grade saved.")).to_be_visible()


def investigate(page: Page, camera: Camera) -> None:
    """Enquiries with owners and due times, PNC circulation, the social worker told."""
    for title, details, owner, hours in (
        (
            "Visit friends and associates",
            "Her friend at Northgate Academy; the flat on Station Road where she was found before",
            "Olu Officer (Officer)",
            "4",
        ),
        ("Collect CCTV", "Station forecourt and the bus station", "Harper Hub (Hub officer)", "12"),
    ):
        page.get_by_text("Set an enquiry").click()
        page.get_by_label("Enquiry", exact=True).fill(title)
        page.locator("#task_details").fill(details)
        page.get_by_label("Owner", exact=True).select_option(label=owner)
        _radio(page, "due_hours", hours)
        page.get_by_role("button", name="Set the enquiry").click()
        expect(page.get_by_text("Enquiry set.")).to_be_visible()

    page.get_by_text("Record PNC circulation, a notification or a transfer").click()
    page.get_by_label("Circulated on the Police National Computer").check()
    page.get_by_label("Reference", exact=True).fill("26/123456X")
    camera.shot(
        page,
        "pnc",
        top=_heading(page, "Circulation, notifications and handovers"),
        bottom=page.get_by_role("button", name="Record it"),
        narrow=True,
    )
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()
    page.get_by_text("Record PNC circulation, a notification or a transfer").click()
    page.get_by_label("The child's social worker told").check()
    page.get_by_label("Reference", exact=True).fill("Priya Shah, Barnet children's services")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Recorded.")).to_be_visible()


def _misspelt(name: str) -> str:
    """The name with its first inner vowel changed, as a hurried call handler might type it
    (it sounds the same, so it keeps the name's phonetic key)."""
    for i, letter in enumerate(name[1:], start=1):
        if letter in "aeiou":
            return name[:i] + ("a" if letter != "a" else "e") + name[i + 1 :]
    return name + "e"


def take(browser: Browser, base: str, child: dict[str, Any], camera: Camera) -> None:
    # 1. The call handler searches for her, reports her missing and hands it to the hub.
    with signed_in(browser, base, "call_handler") as page:
        episode = report(page, child, camera)

    # 2. The hub officer is told, grades the risk with the force's data, sets enquiries.
    with signed_in(browser, base, "hub_officer") as page:
        # The hub officer's home page (the README's picture): she is at the top, not graded.
        expect(page.locator("#glance")).not_to_contain_text("Loading")
        camera.shot(page, "home", bottom=page.locator(".harbour-board").first)
        page.get_by_test_id("notifications-link").click()
        page.get_by_role("link", name=f"handed you the missing episode of {child['name']}").click()
        _justify(page)
        grade(page, camera)
        investigate(page, camera)
        page.goto(episode)
        camera.shot(
            page,
            "episode",
            top=page.locator(".moj-identity-bar"),
            bottom=page.get_by_text("Record that they were found or came back"),
        )
        camera.shot(
            page,
            "episode-work",
            top=_heading(page, "Enquiries and tasks"),
            bottom=page.get_by_text("Hand over the episode"),
            narrow=True,
        )
        page.get_by_role("link", name="Briefing sheet for searching officers").click()
        camera.shot(page, "briefing", top=page.locator(".govuk-caption-l").first, height=800)

    # Two people saving the same episode: the second is told, not overwritten.
    _conflict(browser, base, episode, camera)

    # 3. The inspector is told, sees the review due on the live board and does it.
    with signed_in(browser, base, "inspector") as page:
        page.get_by_test_id("notifications-link").click()
        camera.shot(page, "notifications", bottom=page.get_by_test_id("notifications"))
        page.get_by_role("link", name="Reviews", exact=True).click()
        board = page.get_by_test_id("review-board")
        expect(board).to_be_visible()
        camera.shot(page, "review-board", top=_heading(page, "Reviews due"), bottom=board)
        page.goto(episode)
        _justify(page)
        page.get_by_role("link", name="Do this review").first.click()
        page.get_by_label("Confirm the grade").check()
        page.get_by_label("Investigation plan").fill(
            "1. Friends and associates (PC Officer, 4 h). 2. CCTV at the station. "
            "3. Trace the grey car seen near the home. 4. Strategy meeting with Barnet "
            "children's services tomorrow."
        )
        page.get_by_label("Contact with the reporter").fill(
            "Spoke to Dawn Ellis (home manager) by phone: no contact from her since she left."
        )
        camera.shot(
            page,
            "review",
            top=page.locator(".govuk-caption-l").first,
            bottom=page.get_by_role("button", name="Save the review"),
            narrow=True,
        )
        page.get_by_role("button", name="Save the review").click()
        expect(page.get_by_text("Review saved.")).to_be_visible()

    # 4. The officer's tasks.
    with signed_in(browser, base, "officer") as page:
        page.get_by_role("link", name="Tasks", exact=True).click()
        card = page.locator(".govuk-summary-card").first
        expect(card).to_be_visible()
        camera.shot(page, "tasks", bottom=card)

    # 5. She is found; the safe-and-well check and return home interview; closure.
    with signed_in(browser, base, "hub_officer") as page:
        page.goto(episode)
        _justify(page)
        found(page, camera)
        safe_and_well(page, camera)
        return_interview(page, camera)
        page.get_by_text("Record PNC circulation, a notification or a transfer").click()
        page.get_by_label("Removed from the Police National Computer").check()
        page.get_by_role("button", name="Record it").click()
        expect(page.get_by_text("Recorded.")).to_be_visible()
        page.get_by_role("button", name="Close the episode").click()
        expect(page.get_by_text("Episode closed.")).to_be_visible()
        camera.shot(
            page,
            "closed",
            top=page.locator(".moj-identity-bar"),
            bottom=page.locator(".govuk-notification-banner"),
        )

        # Her episodes on one timeline, with the tasks the triggers opened.
        page.goto(f"/people/{child['id']}/episodes")
        camera.shot(page, "timeline", top=page.locator(".govuk-caption-l").first, height=820)

    # 6. Identity: the call handler describes a child with a misspelt name; the analyst
    # compares a possible duplicate side by side.
    with signed_in(browser, base, "call_handler") as page:
        page.get_by_role("link", name="Report missing").click()
        page.get_by_label("Given name").fill(child["given"])
        page.get_by_label("Family name").fill(_misspelt(child["family"]))
        likely = page.get_by_test_id("likely")
        expect(likely).to_be_visible()
        camera.shot(page, "report-describe", top=_heading(page, "Or describe them"), bottom=likely)
    with signed_in(browser, base, "analyst") as page:
        page.get_by_role("link", name="Duplicates").click()
        queue = page.get_by_test_id("queue")
        expect(queue).to_be_visible()
        camera.shot(page, "duplicates", top=page.locator("h1").first, bottom=queue, height=700)
        queue.get_by_role("link").first.click()
        for _ in range(2):  # a reason for each of the two records
            _justify(page)
        levels = page.get_by_test_id("levels")
        expect(levels).to_be_visible()
        camera.shot(page, "pair", top=page.locator("h1").first, bottom=levels, height=900)

    # 7. The exploitation investigator opens the strongest alert and its network.
    with signed_in(browser, base, "exploitation_investigator") as page:
        page.get_by_role("link", name="Alerts", exact=True).click()
        table = page.get_by_test_id("alerts")
        expect(table).to_be_visible()
        camera.shot(page, "alerts", top=page.locator("h1").first, bottom=table, height=700)
        table.get_by_role("link").first.click()
        expect(page.get_by_role("heading", name="Why are you viewing this alert?")).to_be_visible()
        page.get_by_label("Safeguarding or exploitation enquiry").check()
        page.get_by_role("button", name="Continue").click()
        network = page.get_by_test_id("network")
        expect(network).to_have_attribute("data-loaded", re.compile(r"\d"))
        page.wait_for_timeout(500)  # the layout settles
        camera.shot(page, "alert", top=page.locator(".govuk-caption-l").first, bottom=network)
        page.goto("/network/map")
        drawn = page.get_by_test_id("map")
        expect(drawn).to_be_visible()
        camera.shot(page, "map", top=page.locator("h1").first, bottom=drawn)

    # 8. The auditor reads who did what to the episode, and why.
    with signed_in(browser, base, "auditor") as page:
        number = episode.rsplit("/", 1)[1]
        page.goto(f"/audit?subject_type=episode&subject_id={number}")
        camera.shot(page, "audit", top=page.locator("h1").first, height=900)


def found(page: Page, camera: Camera) -> None:
    page.get_by_text("Record that they were found or came back").click()
    _fill_when(page, "found_at", 20)
    page.get_by_label("Where", exact=True).fill("Flat above the takeaway, 14 Station Road")
    page.get_by_label("Who they were with").fill("Two older males, one known as 'T'")
    page.get_by_label("Found by").fill("PC 412 Khan")
    page.get_by_label("Condition").fill("Tired, smelled of cannabis, no visible injuries")
    page.get_by_label("Found safe").check()
    camera.shot(
        page,
        "found",
        top=page.get_by_text("Record that they were found or came back"),
        bottom=page.get_by_role("button", name="Record the return"),
        narrow=True,
    )
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_text("Return recorded.")).to_be_visible()


def safe_and_well(page: Page, camera: Camera) -> None:
    _fill_when(page, "held_at", 5)
    page.get_by_label("Done by").fill("PC 412 Khan")
    _radio(page, "face_to_face", "yes")
    page.get_by_label("Where they were", exact=True).fill(
        "At the flat on Station Road with 'T' and his friend"
    )
    page.get_by_label("Why they went").fill("Says 'T' promised her a new phone")
    page.get_by_label("Unexplained money, clothes or phones").first.check()
    page.get_by_label("Older or controlling associates").first.check()
    page.get_by_label("People they named").fill("'T' (older male, about 20)")
    page.get_by_label("Places they named").fill("14 Station Road")
    page.get_by_label("Referrals made").fill("Exploitation team; Barnet children's services")
    camera.shot(
        page,
        "return",
        top=page.locator("#safe-and-well-title"),
        bottom=page.get_by_role("button", name="Save the safe-and-well check"),
        narrow=True,
    )
    page.get_by_role("button", name="Save the safe-and-well check").click()
    expect(page.get_by_text("Safe-and-well check recorded.")).to_be_visible()


def return_interview(page: Page, camera: Camera) -> None:
    page.get_by_label("Offered and declined by the child").check()
    _fill_when(page, "offered_at", 2)
    page.get_by_label("Held by").fill("Safe Passage Charity (for Barnet Council)")
    page.get_by_label("If declined or not held: why").fill(
        "Did not want to talk today; offered again for Monday with her key worker"
    )
    camera.shot(
        page,
        "return-interview",
        top=page.locator("#rhi-title"),
        bottom=page.get_by_label("If declined or not held: why"),
        narrow=True,
    )
    page.get_by_role("button", name="Save the return home interview").click()
    expect(page.get_by_text("Return home interview recorded.")).to_be_visible()
    camera.shot(
        page,
        "close-blocked",
        top=_heading(page, "Close the episode"),
        bottom=page.locator("#close"),
        narrow=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=IMAGES, help="folder for the PNG files")
    parser.add_argument("--seed", type=int, default=7, help="simulator seed (default 7)")
    parser.add_argument(
        "--chromium", default=os.environ.get("HARBOUR_CHROMIUM", "/usr/bin/chromium")
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--only", action="append", default=[], help="save only this picture")
    args = parser.parse_args()
    if not (ROOT / "src" / "harbour" / "static" / "vendor" / "govuk-frontend.min.css").exists():
        sys.exit("The front-end assets are not built: run `make setup` (or `make assets`) first.")
    if not Path(args.chromium).exists():
        sys.exit(f"No Chromium at {args.chromium}: install it or pass --chromium PATH.")
    args.out.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="harbour-screenshots-"))
    harbour = Harbour(folder, args.seed)
    try:
        harbour.set_up()
        child = harbour.subject()
        print(f"Following {child['name']} ({child['episodes']} earlier episodes)")
        base = harbour.start()
        camera = Camera(args.out, set(args.only))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=args.chromium,
                args=["--no-sandbox", "--disable-gpu", "--hide-scrollbars"],
            )
            try:
                take(browser, base, child, camera)
            finally:
                browser.close()
        print(f"Saved {len(camera.saved)} screenshots.")
    finally:
        harbour.stop()
        if args.keep:
            print(f"Scratch folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
