"""Invented people and their duplicate records, with the truth, for identity-resolution tests.

Every name, date, address and number here is made up. `population` gives a few hundred people
with one to three records each; the duplicates carry the errors police records of people have
(a misspelt family name, day and month swapped, a nickname, a missing field, a mistyped
postcode). `PLANTED` are named cases the tests assert on one by one.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

GIVEN = {
    "female": [
        "Amelia",
        "Olivia",
        "Isla",
        "Ava",
        "Mia",
        "Grace",
        "Sophia",
        "Lily",
        "Freya",
        "Emily",
        "Ivy",
        "Ella",
        "Rosie",
        "Evie",
        "Florence",
        "Poppy",
        "Charlotte",
        "Willow",
        "Aisha",
        "Zara",
        "Maya",
        "Priya",
        "Chloe",
        "Jessica",
        "Hannah",
        "Niamh",
        "Erin",
        "Layla",
    ],
    "male": [
        "Oliver",
        "George",
        "Noah",
        "Arthur",
        "Leo",
        "Oscar",
        "Harry",
        "Archie",
        "Jack",
        "Henry",
        "Charlie",
        "Freddie",
        "Theo",
        "Finley",
        "Alfie",
        "Jacob",
        "Reuben",
        "Yusuf",
        "Ibrahim",
        "Kai",
        "Dylan",
        "Tyler",
        "Kieran",
        "Callum",
        "Owen",
        "Rhys",
        "Ethan",
    ],
}
FAMILY = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Thomas", "Clarke", "Jackson", "Wood", "Harris", "Edwards", "Turner", "Martin", "Cooper",
    "Hill", "Ward", "Hughes", "Moore", "Clark", "King", "Harrison", "Lewis", "Baker", "Lee",
    "Allen", "Morris", "Khan", "Scott", "Watson", "Davis", "Parker", "James", "Bennett",
    "Young", "Phillips", "Richardson", "Mitchell", "Bailey", "Carter", "Cook", "Singh",
    "Shaw", "Bell", "Collins", "Morgan", "Kelly", "Begum", "Miller", "Cox", "Hussain",
    "Marshall", "Simpson", "Price", "Anderson", "Adams", "Wilkinson", "Ali", "Ahmed", "Foster",
]  # fmt: skip
STREETS = [
    "Mill Lane",
    "Church Road",
    "Station Road",
    "Victoria Street",
    "Park Avenue",
    "Green Lane",
    "Manor Road",
    "Kings Road",
    "Queens Road",
    "New Street",
    "Grange Road",
    "High Street",
    "London Road",
    "Windsor Close",
    "The Crescent",
    "Springfield Road",
    "Orchard Way",
]
DISTRICTS = ["SE15", "SE22", "N17", "E8", "CR0", "BR1", "SW9", "E17", "N1", "W12", "NW10"]
TOWNS = ["London", "Croydon", "Bromley", "Hackney", "Lambeth", "Haringey"]
COLUMNS = ["ref", "forename", "surname", "born", "gender", "post_code", "street", "town",
           "mobile", "email", "person"]  # fmt: skip


@dataclass(frozen=True)
class Row:
    ref: str
    forename: str
    surname: str
    born: date | None
    gender: str
    post_code: str
    street: str
    town: str
    mobile: str
    email: str
    person: int

    def as_csv(self, date_format: str = "%Y-%m-%d") -> list[str]:
        born = self.born.strftime(date_format) if self.born else ""
        return [self.ref, self.forename, self.surname, born, self.gender, self.post_code,
                self.street, self.town, self.mobile, self.email, str(self.person)]  # fmt: skip


def _person(rng: random.Random, person: int, family: str | None = None) -> Row:
    sex = rng.choice(["female", "male"])
    given = rng.choice(GIVEN[sex])
    family = family or rng.choice(FAMILY)
    born = date(2004, 1, 1) + timedelta(days=rng.randrange(17 * 365))
    district = rng.choice(DISTRICTS)
    return Row(
        ref=f"P{person:04d}-0",
        forename=given,
        surname=family,
        born=born,
        gender=sex[0].upper(),
        post_code=f"{district} {rng.randrange(1, 10)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
        street=f"{rng.randrange(1, 200)} {rng.choice(STREETS)}",
        town=rng.choice(TOWNS),
        mobile=f"07700 9{rng.randrange(10**5):05d}",
        email=f"{given.lower()}.{family.lower()}{rng.randrange(100)}@example.org",
        person=person,
    )


def _misspell(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 2)
    if rng.random() < 0.5:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]  # two letters swapped
    return text[:i] + text[i + 1 :]  # a letter dropped


def _swap_day_month(born: date | None) -> date | None:
    if born is None or born.day > 12 or born.day == born.month:
        return born
    return date(born.year, born.day, born.month)


NICKNAMES = {"Jack": "John", "Harry": "Henry", "Charlie": "Charles", "Alfie": "Alfred",
             "Freddie": "Frederick", "Rosie": "Rose", "Evie": "Eve", "Ella": "Eleanor"}  # fmt: skip


def _duplicate(rng: random.Random, row: Row, copy: int) -> Row:
    dup = replace(row, ref=f"P{row.person:04d}-{copy}")
    for error in rng.sample(["spell", "swap", "nick", "blank", "postcode", "phone"], k=2):
        if error == "spell":
            dup = replace(dup, surname=_misspell(rng, dup.surname))
        elif error == "swap":
            dup = replace(dup, born=_swap_day_month(dup.born))
        elif error == "nick":
            dup = replace(dup, forename=NICKNAMES.get(dup.forename, dup.forename))
        elif error == "blank":
            dup = replace(dup, **{rng.choice(["email", "mobile", "street"]): ""})
        elif error == "postcode":
            dup = replace(dup, post_code=dup.post_code[:-1] + rng.choice("ABDEFG"))
        else:
            dup = replace(dup, mobile="")
    return dup


# Named cases: (first record, duplicate) with one kind of error each, and two siblings.
_BASE = Row(
    "S-ROB", "Robert", "Okonkwo", date(2009, 3, 14), "M", "SE15 4QT", "12 Bellenden Road",
    "London", "07700 900111", "rob.okonkwo@example.org", 9001,
)  # fmt: skip
PLANTED = {
    "nickname": (_BASE, replace(_BASE, ref="S-BOB", forename="Bob")),
    "misspelt": (
        replace(_BASE, ref="S-SIO", forename="Siobhan", surname="Gallagher",
                born=date(2010, 7, 2), gender="F", post_code="N17 6RT",
                street="4 Lordship Lane", mobile="07700 900222",
                email="siobhan.g@example.org", person=9002),
        replace(_BASE, ref="S-SIO2", forename="Siobhan", surname="Galagher",
                born=date(2010, 7, 2), gender="F", post_code="N17 6RT",
                street="4 Lordship Lane", mobile="07700 900222", email="", person=9002),
    ),
    "swapped_dob": (
        replace(_BASE, ref="S-KAT", forename="Katherine", surname="Adeyemi",
                born=date(2008, 11, 4), gender="F", post_code="E8 3PN",
                street="90 Mare Street", mobile="07700 900333",
                email="katherine.adeyemi@example.org", person=9003),
        replace(_BASE, ref="S-KAT2", forename="Katherine", surname="Adeyemi",
                born=date(2008, 4, 11), gender="F", post_code="E8 3PN",
                street="90 Mare Street", mobile="", email="katherine.adeyemi@example.org",
                person=9003),
    ),
    # Two sisters: the same family name, address, postcode and phone, different people.
    "siblings": (
        replace(_BASE, ref="S-AME", forename="Amelia", surname="Gallagher",
                born=date(2012, 5, 20), gender="F", post_code="N17 6RT",
                street="4 Lordship Lane", mobile="07700 900222", email="", person=9004),
        replace(_BASE, ref="S-GRA", forename="Grace", surname="Gallagher",
                born=date(2014, 9, 8), gender="F", post_code="N17 6RT",
                street="4 Lordship Lane", mobile="07700 900222", email="", person=9005),
    ),
}  # fmt: skip


def population(seed: int = 7, people: int = 300) -> list[Row]:
    """Return records of invented people: most once, some two or three times with errors."""
    rng = random.Random(seed)
    rows: list[Row] = []
    for person in range(people):
        row = _person(rng, person)
        rows.append(row)
        for copy in range(1, 1 + rng.choice([0, 0, 1, 1, 2])):
            rows.append(_duplicate(rng, row, copy))
    for pair in PLANTED.values():
        rows.extend(pair)
    rng.shuffle(rows)
    return rows


def write(path: Path, rows: list[Row], date_format: str = "%Y-%m-%d") -> Path:
    """Write rows as an analyst's CSV file (the column names are the analyst's own)."""
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        writer.writerows(row.as_csv(date_format) for row in rows)
    return path


MAPPING = (
    "given_name=forename,family_name=surname,date_of_birth=born,sex=gender,postcode=post_code,"
    "address=street,town=town,phone=mobile,email=email"
)
