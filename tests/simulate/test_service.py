"""`harbour simulate`: reproducible files, ground truth that agrees with them, realistic shapes."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from harbour.actor import Channel, system_actor
from harbour.episodes.models import Episode
from harbour.interop import importer
from harbour.people.models import CARE_BASES
from harbour.simulate.service import FILES, simulate
from harbour.simulate.stats import measure
from tests.factories import make_org

AS_OF = date(2026, 11, 27)


def _read(out: Path, kind: str) -> list[dict[str, object]]:
    with (out / FILES[kind]).open() as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    simulate(seed=1, scale="demo", years=1, as_of=AS_OF, out=out)
    return out


@pytest.fixture(scope="module")
def borough(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("borough")
    simulate(seed=3, scale="borough", years=2, as_of=AS_OF, out=out)
    return out


def test_the_same_seed_gives_byte_identical_files(demo: Path, tmp_path: Path) -> None:
    simulate(seed=1, scale="demo", years=1, as_of=AS_OF, out=tmp_path)
    for name in [*FILES.values(), "truth.json"]:
        assert (tmp_path / name).read_bytes() == (demo / name).read_bytes(), name


def test_another_seed_gives_other_data(demo: Path, tmp_path: Path) -> None:
    simulate(seed=2, scale="demo", years=1, as_of=AS_OF, out=tmp_path)
    assert (tmp_path / FILES["person"]).read_bytes() != (demo / FILES["person"]).read_bytes()


def test_every_time_is_before_the_as_of_day_and_some_children_are_still_missing(demo: Path) -> None:
    episodes = _read(demo, "episode")
    truth = json.loads((demo / "truth.json").read_text())
    end = truth["period"]["end"]
    assert all(str(e["reported_at"]) < end for e in episodes)
    assert all(str(e.get("found_at", "")) < end for e in episodes)
    assert any("found_at" not in e for e in episodes)
    assert all(str(e["found_at"]) > str(e["reported_at"]) for e in episodes if "found_at" in e)


def test_the_truth_agrees_with_the_records(demo: Path) -> None:
    truth = json.loads((demo / "truth.json").read_text())
    people = {p["id"] for p in _read(demo, "person")}
    places = {p["id"] for p in _read(demo, "place")}
    vehicles = {v["id"] for v in _read(demo, "vehicle")}
    assert set(truth["identities"]) == people
    assert set(truth["identities"].values()) <= people
    assert any(pid != true for pid, true in truth["identities"].items()), "no noisy duplicates"
    assert truth["networks"], "no planted networks"
    found_at: dict[str, set[str]] = defaultdict(set)
    for episode in _read(demo, "episode"):
        person = truth["identities"][episode["person"]]
        if "found_place" in episode:
            found_at[person].add(str(episode["found_place"]))
    links = _read(demo, "association")
    for network in truth["networks"]:
        assert set(network["adults"]) <= people
        assert set(network["children"]) <= people
        assert set(network["places"]) <= places
        assert set(network["vehicles"]) <= vehicles
        # The planted pattern is in the records: children found at the network's places, and
        # linked to its adults.
        assert any(found_at[c] & set(network["places"]) for c in network["children"])
        adult_links = {(a["subject"], a["object"].get("person")) for a in links}  # type: ignore[union-attr]
        assert all((c, network["adults"][0]) in adult_links for c in network["children"])
    counts = truth["counts"]
    assert counts == {kind: len(_read(demo, kind)) for kind in FILES}


def test_decoys_are_busy_but_not_networks(demo: Path) -> None:
    truth = json.loads((demo / "truth.json").read_text())
    kinds = {d["type"] for d in truth["decoys"]}
    assert {"school", "station", "fast_food", "care_home_staff", "friends_home"} <= kinds
    network_places = {p for n in truth["networks"] for p in n["places"]}
    decoy_places = {d["place"] for d in truth["decoys"] if "place" in d}
    assert not network_places & decoy_places


def test_only_the_same_child_or_a_networks_phone_is_shared(borough: Path) -> None:
    truth = json.loads((borough / "truth.json").read_text())
    network_phones = {p for n in truth["networks"] for p in n.get("phones", [])}
    holders: dict[str, set[str]] = defaultdict(set)
    for person in _read(borough, "person"):
        for phone in person.get("phones", []):  # type: ignore[attr-defined]
            holders[phone].add(truth["identities"][person["id"]])
    shared = {phone for phone, who in holders.items() if len(who) > 1}
    assert holders and not shared - network_phones, sorted(shared - network_phones)[:5]


def test_over_ten_years_children_go_missing_only_while_children(tmp_path: Path) -> None:
    simulate(seed=4, scale="demo", years=10, as_of=AS_OF, out=tmp_path)
    truth = json.loads((tmp_path / "truth.json").read_text())
    born = {
        p["id"]: str(p["date_of_birth"]) for p in _read(tmp_path, "person") if "date_of_birth" in p
    }
    network_adults = {a for n in truth["networks"] for a in n["adults"]}
    ages = []
    for episode in _read(tmp_path, "episode"):
        child = truth["identities"][episode["person"]]
        if child in truth["child_episode_counts"]:
            reported = date.fromisoformat(str(episode["reported_at"])[:10])
            ages.append((reported - date.fromisoformat(born[child])).days / 365.25)
    assert ages and max(ages) < 18, max(ages)
    # A network's adults are adults from the start of the ten years.
    start = date.fromisoformat(truth["period"]["start"][:10])
    assert all((start - date.fromisoformat(born[a])).days >= 18 * 365.25 for a in network_adults)


def test_names_have_a_long_tail_like_a_real_population(borough: Path) -> None:
    people = _read(borough, "person")
    families = defaultdict(int)
    for person in people:
        families[str(person["family_name"])] += 1
    # Thousands of surnames, the commonest held by a few in a hundred (Smith: about 1 in 100).
    assert len(families) > 0.5 * len(people) ** 0.9, len(families)
    assert max(families.values()) < 0.03 * len(people), max(families.values())


def test_the_shapes_match_the_published_figures(borough: Path) -> None:
    shape = measure(borough)
    # 6% of children account for about a third of child episodes (shared/population.md, S19).
    assert 0.25 <= shape.top_6pct_share <= 0.42, shape
    # 90% of children are found within 2 days (S17).
    assert 0.86 <= shape.found_within_48h <= 0.94, shape
    # Looked-after children: roughly 40% of child episodes (unverified; a wide band).
    assert 0.22 <= shape.looked_after_share <= 0.48, shape
    # About 3.1 episodes a child in London (S20) and 920 child episodes a borough a year.
    assert 2.6 <= shape.child_episodes / shape.children <= 4.2, shape
    assert 1500 <= shape.child_episodes <= 2300, shape


def test_looked_after_children_have_a_legal_basis_mostly_a_care_order(borough: Path) -> None:
    truth = json.loads((borough / "truth.json").read_text())
    people = _read(borough, "person")
    bases = Counter(p["care_basis"] for p in people if p.get("looked_after"))
    assert all("care_basis" not in p for p in people if not p.get("looked_after"))
    assert sum(bases.values()) == len(truth["looked_after"]) > 50
    assert set(bases) <= set(CARE_BASES)
    share = {basis: n / sum(bases.values()) for basis, n in bases.items()}
    # About 80% under a care order (full or interim) and 16% accommodated under s20 (DfE).
    orders = share.get("care_order", 0) + share.get("interim_care_order", 0)
    assert 0.70 <= orders <= 0.92, share
    assert 0.08 <= share.get("s20_accommodation", 0) <= 0.28, share


def test_simulated_files_import_without_a_rejection_and_twice_changes_nothing(
    demo: Path, connection: Connection, session: Session
) -> None:
    org = make_org(session)
    actor = system_actor(Channel.cli, name="simulate-tests")
    first = importer.run_import(demo, actor, organisation_id=org.id)
    assert first.rejected == []
    assert sum(first.created.values()) == first.lines
    episodes = session.scalar(select(func.count()).select_from(Episode))
    second = importer.run_import(demo, actor, organisation_id=org.id)
    assert sum(second.unchanged.values()) == second.lines
    assert session.scalar(select(func.count()).select_from(Episode)) == episodes


def test_the_command_refuses_a_future_as_of_day(connection: Connection, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from harbour.cli import app

    result = CliRunner().invoke(
        app, ["simulate", "--as-of", "2999-01-01", "--out", str(tmp_path / "x")]
    )
    assert result.exit_code == 1
    assert "cannot be after today" in result.output
    ok = CliRunner().invoke(
        app, ["simulate", "--as-of", "2026-01-01", "--out", str(tmp_path / "y"), "--seed", "3"]
    )
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "y" / "truth.json").exists()
