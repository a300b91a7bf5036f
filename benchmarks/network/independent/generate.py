#!/usr/bin/env python3
"""Independent synthetic scenario generator for Harbour's exploitation-network detector.

Writes a fictional force area over about two years as Harbour import files (docs/import-format.md)
plus truth.json in the shape benchmarks/network/quality.py's score() reads.  All people, places,
phone numbers and vehicles are invented.  Plain Python 3.11 standard library; nothing from
`harbour` is imported, and nothing from Harbour's own simulator or detector was read to write it
(see README.md in this folder for what is planted and why).

    python benchmarks/network/independent/generate.py --seed 1 --out /tmp/indep-1 [--children 1500]
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

# --------------------------------------------------------------------------------------------
# Geography: a fictional force area of four boroughs, and fictional towns outside it.
# Postcode areas start with X (no real UK postcode area does).
# --------------------------------------------------------------------------------------------

BOROUGHS = [
    # name, postcode area, lat0, lon0 (south-west corner of a 0.07 x 0.12 degree box)
    ("Marshby", "XA", 51.46, 0.05),
    ("Greyhaven", "XB", 51.46, 0.18),
    ("Kelmford", "XC", 51.53, 0.05),
    ("Oldwater", "XD", 51.53, 0.18),
]
OUT_TOWNS = [
    # name, postcode area, lat, lon: market and coastal towns 50-120 km from the force area
    ("Saltcombe Bay", "XR", 51.37, 1.38),
    ("Eastmere Market", "XS", 51.88, 1.12),
    ("Fenwick Cross", "XT", 51.10, 0.52),
    ("Hollowell", "XU", 52.05, 0.62),
    ("Westerleigh", "XV", 51.74, -0.62),
]
OTHER_LAS = ["Northfield City Council", "Ashcombe County Council", "Brindley Borough Council"]

STREETS = [
    "Alder",
    "Beacon",
    "Brook",
    "Chapel",
    "Dock",
    "Elm",
    "Ferry",
    "Gull",
    "Harbour",
    "Kiln",
    "Lark",
    "Mill",
    "Netley",
    "Orchard",
    "Quay",
    "Reed",
    "Saltings",
    "Tanner",
    "Wharf",
    "Whitlow",
    "Rope",
    "Sail",
    "Heron",
    "Oyster",
    "Marsh",
    "Willow",
    "Cedar",
    "Hawthorn",
    "Linnet",
    "Plover",
    "Foundry",
    "Bargate",
    "Cooper",
    "Crane",
    "Anchor",
    "Estuary",
    "Tidal",
    "Burrow",
    "Copse",
    "Fennel",
    "Juniper",
    "Lantern",
    "Meadow",
    "Pinfold",
    "Rowan",
    "Sedge",
]
STREET_KINDS = ["Road", "Street", "Close", "Way", "Gardens", "Lane", "Avenue", "Crescent", "Walk"]
BLOCKS = ["Court", "House", "Point", "Tower", "Heights", "Mansions"]

# --------------------------------------------------------------------------------------------
# Names.  Ethnic mix of residents after the 2021 Census for London (../shared/population.md);
# names by broad naming tradition.  Planted exploiters are drawn from the same mix as everyone
# else, so that ethnicity carries no signal a detector could learn.
# --------------------------------------------------------------------------------------------

ETHNICITY_WEIGHTS = {
    "white_british": 36.8,
    "white_irish": 1.8,
    "white_gypsy_traveller": 0.1,
    "white_roma": 0.4,
    "white_other": 14.7,
    "mixed_white_black_caribbean": 1.5,
    "mixed_white_black_african": 1.0,
    "mixed_white_asian": 1.5,
    "mixed_other": 1.8,
    "asian_indian": 7.5,
    "asian_pakistani": 3.3,
    "asian_bangladeshi": 3.7,
    "asian_chinese": 1.7,
    "asian_other": 4.6,
    "black_african": 7.9,
    "black_caribbean": 3.9,
    "black_other": 1.6,
    "other_arab": 1.6,
    "other_any": 4.7,
}

NAMES: dict[str, dict[str, list[str]]] = {
    "english": {
        "m": [
            "Oliver",
            "Harry",
            "George",
            "Jack",
            "Charlie",
            "Thomas",
            "James",
            "William",
            "Alfie",
            "Joshua",
            "Callum",
            "Kieran",
            "Connor",
            "Liam",
            "Jordan",
            "Tyler",
            "Mason",
            "Riley",
            "Lewis",
            "Jake",
            "Ryan",
            "Daniel",
            "Samuel",
            "Reece",
            "Bradley",
            "Ethan",
            "Archie",
            "Freddie",
            "Louie",
            "Jamie",
            "Ben",
            "Max",
            "Leo",
            "Toby",
            "Harvey",
            "Kyle",
            "Dean",
            "Lee",
            "Mark",
            "Paul",
            "Gary",
            "Craig",
            "Stephen",
            "Darren",
            "Wayne",
            "Neil",
        ],
        "f": [
            "Olivia",
            "Amelia",
            "Isla",
            "Ava",
            "Emily",
            "Sophie",
            "Grace",
            "Lily",
            "Chloe",
            "Jessica",
            "Ellie",
            "Megan",
            "Lauren",
            "Katie",
            "Holly",
            "Courtney",
            "Shannon",
            "Jade",
            "Paige",
            "Leah",
            "Ruby",
            "Evie",
            "Poppy",
            "Mia",
            "Amber",
            "Bethany",
            "Kayleigh",
            "Demi",
            "Tia",
            "Libby",
            "Lacey",
            "Skye",
            "Millie",
            "Sarah",
            "Karen",
            "Michelle",
            "Lisa",
            "Donna",
            "Nicola",
            "Joanne",
            "Claire",
            "Tracey",
            "Emma",
        ],
        "s": [
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "Clarke",
            "Harris",
            "Turner",
            "Cooper",
            "Hill",
            "Ward",
            "Morris",
            "Moore",
            "Clark",
            "King",
            "Baker",
            "Harrison",
            "Morgan",
            "Allen",
            "Scott",
            "Phillips",
            "Watson",
            "Parker",
            "Price",
            "Bennett",
            "Young",
            "Mitchell",
            "Cook",
            "Carter",
            "Richardson",
            "Bailey",
            "Collins",
            "Bell",
            "Shaw",
            "Miller",
            "Cox",
            "Richards",
            "Marsh",
            "Fletcher",
            "Hughes",
            "Butler",
            "Barnes",
            "Fisher",
            "Holmes",
            "Lloyd",
            "Webb",
            "Kemp",
            "Pearce",
            "Hart",
            "Sutton",
            "Stevens",
        ],
    },
    "irish": {
        "m": ["Sean", "Ciaran", "Patrick", "Conor", "Declan", "Aidan", "Niall", "Eoin", "Cian"],
        "f": ["Niamh", "Aoife", "Siobhan", "Ciara", "Roisin", "Orla", "Saoirse", "Sinead"],
        "s": [
            "Murphy",
            "O'Brien",
            "Kelly",
            "O'Connor",
            "Byrne",
            "Ryan",
            "Doyle",
            "Walsh",
            "McCarthy",
            "Gallagher",
            "O'Neill",
            "Quinn",
            "Donnelly",
            "Brennan",
        ],
    },
    "traveller": {
        "m": ["John", "Patrick", "Michael", "Tommy", "Jimmy", "Martin", "Johnny"],
        "f": ["Mary", "Bridget", "Kathleen", "Margaret", "Nora", "Sally"],
        "s": ["McDonagh", "Connors", "Doherty", "Ward", "Lee", "Price", "Boswell", "Cash"],
    },
    "east_european": {
        "m": [
            "Jakub",
            "Kacper",
            "Szymon",
            "Filip",
            "Mateusz",
            "Andrei",
            "Ionut",
            "Mihai",
            "Lukas",
            "Tomas",
            "Bartosz",
            "Dawid",
            "Marius",
            "Florin",
            "Stefan",
            "Adrian",
            "Daniel",
        ],
        "f": [
            "Zuzanna",
            "Julia",
            "Maja",
            "Natalia",
            "Oliwia",
            "Ioana",
            "Elena",
            "Gabriela",
            "Alina",
            "Denisa",
            "Karolina",
            "Wiktoria",
            "Andreea",
            "Bianca",
            "Roxana",
        ],
        "s": [
            "Nowak",
            "Popescu",
            "Ionescu",
            "Dumitru",
            "Silva",
            "Santos",
            "Ferreira",
            "Costa",
            "Horvath",
            "Kovacs",
            "Novak",
            "Marin",
            "Stan",
            "Balogh",
            "Lakatos",
            "Rostas",
            "Pereira",
            "Rodrigues",
            "Petrov",
            "Wojcik",
            "Kaminski",
            "Lewandowski",
        ],
    },
    "west_african": {
        "m": [
            "Oluwaseun",
            "Tobi",
            "Femi",
            "Chidi",
            "Emeka",
            "Kwame",
            "Kofi",
            "David",
            "Daniel",
            "Samuel",
            "Joshua",
            "Tunde",
            "Ayo",
            "Michael",
            "Emmanuel",
            "Kelvin",
            "Victor",
        ],
        "f": [
            "Adaeze",
            "Chioma",
            "Funmilayo",
            "Abena",
            "Ama",
            "Blessing",
            "Precious",
            "Esther",
            "Favour",
            "Temitope",
            "Grace",
            "Deborah",
            "Ruth",
            "Joy",
            "Ifeoma",
            "Yetunde",
        ],
        "s": [
            "Adeyemi",
            "Okafor",
            "Mensah",
            "Owusu",
            "Adebayo",
            "Okonkwo",
            "Boateng",
            "Asante",
            "Oladipo",
            "Nwosu",
            "Eze",
            "Bello",
            "Ogunleye",
            "Appiah",
            "Danso",
            "Afolabi",
            "Osei",
            "Obi",
            "Adjei",
            "Ibrahim",
        ],
    },
    "somali": {
        "m": ["Abdi", "Mohamed", "Ahmed", "Hassan", "Yusuf", "Abdirahman", "Mustafa", "Omar"],
        "f": ["Hodan", "Amina", "Hibo", "Sagal", "Ayan", "Fadumo", "Nasra", "Ifrah"],
        "s": [
            "Abdi",
            "Ali",
            "Hassan",
            "Farah",
            "Mohamed",
            "Omar",
            "Warsame",
            "Jama",
            "Duale",
            "Osman",
            "Aden",
            "Nur",
        ],
    },
    "caribbean": {
        "m": [
            "Jayden",
            "Tyrese",
            "Kyle",
            "Marcus",
            "Andre",
            "Jermaine",
            "Kai",
            "Nathan",
            "Isaiah",
            "Malachi",
            "Devon",
            "Leon",
            "Trevor",
            "Winston",
            "Delroy",
            "Romario",
            "Shaquille",
        ],
        "f": [
            "Tianna",
            "Shanice",
            "Chantelle",
            "Kesha",
            "Aaliyah",
            "Nia",
            "Jada",
            "Keisha",
            "Renee",
            "Tanisha",
            "Marcia",
            "Sharon",
            "Paulette",
            "Beverley",
            "Imani",
        ],
        "s": [
            "Campbell",
            "Williams",
            "Brown",
            "Francis",
            "Thomas",
            "Grant",
            "Henry",
            "Clarke",
            "Reid",
            "Morgan",
            "Robinson",
            "Edwards",
            "Baptiste",
            "Gordon",
            "Forbes",
            "McKenzie",
            "Lewis",
            "Samuels",
            "Bailey",
            "Douglas",
        ],
    },
    "south_asian_indian": {
        "m": [
            "Arjun",
            "Rohan",
            "Aarav",
            "Dev",
            "Harpreet",
            "Gurpreet",
            "Vikram",
            "Ravi",
            "Sanjay",
            "Amit",
            "Jaspreet",
            "Karan",
            "Nikhil",
        ],
        "f": [
            "Priya",
            "Anjali",
            "Simran",
            "Kiran",
            "Nisha",
            "Riya",
            "Pooja",
            "Meera",
            "Sunita",
            "Harleen",
            "Divya",
            "Neha",
        ],
        "s": [
            "Patel",
            "Shah",
            "Singh",
            "Sharma",
            "Gill",
            "Sandhu",
            "Mehta",
            "Desai",
            "Joshi",
            "Dhillon",
            "Kumar",
            "Chauhan",
            "Parmar",
            "Bains",
        ],
    },
    "pakistani": {
        "m": [
            "Mohammed",
            "Ali",
            "Hamza",
            "Bilal",
            "Usman",
            "Zain",
            "Ibrahim",
            "Imran",
            "Adil",
            "Tariq",
            "Faisal",
            "Asif",
            "Yasir",
            "Haris",
        ],
        "f": [
            "Ayesha",
            "Fatima",
            "Zara",
            "Maryam",
            "Hira",
            "Sana",
            "Aleena",
            "Nadia",
            "Saima",
            "Rabia",
            "Iqra",
            "Mehwish",
        ],
        "s": [
            "Khan",
            "Hussain",
            "Ahmed",
            "Iqbal",
            "Akhtar",
            "Butt",
            "Malik",
            "Raza",
            "Shah",
            "Mahmood",
            "Aslam",
            "Rashid",
            "Anwar",
            "Qureshi",
        ],
    },
    "bangladeshi": {
        "m": ["Abdul", "Rahim", "Sabbir", "Tanvir", "Rafiq", "Shahid", "Jamal", "Rubel", "Saiful"],
        "f": ["Nusrat", "Sadia", "Tasnim", "Jannat", "Rumana", "Sumaya", "Farzana", "Shirin"],
        "s": [
            "Rahman",
            "Miah",
            "Uddin",
            "Ahmed",
            "Islam",
            "Hossain",
            "Chowdhury",
            "Ali",
            "Karim",
            "Alam",
        ],
    },
    "chinese": {
        "m": ["Wei", "Jun", "Hao", "Ming", "Kevin", "Jason", "Chen", "Tony", "Eric"],
        "f": ["Mei", "Ling", "Xin", "Jenny", "Amy", "Hui", "Yan", "Grace"],
        "s": ["Wang", "Li", "Chen", "Zhang", "Liu", "Wong", "Chan", "Lam", "Lin", "Ho", "Ng"],
    },
    "arab": {
        "m": ["Omar", "Youssef", "Karim", "Adam", "Ahmad", "Khaled", "Sami", "Tarek", "Nabil"],
        "f": ["Layla", "Nour", "Yasmin", "Sara", "Rania", "Dina", "Hala", "Salma", "Mariam"],
        "s": [
            "Haddad",
            "Mansour",
            "Saleh",
            "Nasser",
            "Khalil",
            "Hamdan",
            "Aziz",
            "Darwish",
            "Hassan",
            "Youssef",
        ],
    },
    "other_asian": {
        "m": ["Nimal", "Tharun", "Farid", "Mark", "Angelo", "Sajid", "Ramesh", "Kasun", "Jose"],
        "f": ["Sofia", "Priyanka", "Angel", "Thilini", "Mahsa", "Shabnam", "Maria", "Dilani"],
        "s": [
            "Perera",
            "Fernando",
            "Sivakumar",
            "Karimi",
            "Rahimi",
            "Reyes",
            "Cruz",
            "Silva",
            "Jayasuriya",
            "Mendoza",
            "Ahmadi",
            "Navaratnam",
        ],
    },
}

ETHNICITY_TRADITION = {
    "white_british": ["english"],
    "white_irish": ["irish", "english"],
    "white_gypsy_traveller": ["traveller"],
    "white_roma": ["east_european"],
    "white_other": ["east_european"],
    "mixed_white_black_caribbean": ["english", "caribbean"],
    "mixed_white_black_african": ["english", "west_african"],
    "mixed_white_asian": ["english", "south_asian_indian", "pakistani"],
    "mixed_other": ["english", "arab", "other_asian", "caribbean"],
    "asian_indian": ["south_asian_indian"],
    "asian_pakistani": ["pakistani"],
    "asian_bangladeshi": ["bangladeshi"],
    "asian_chinese": ["chinese"],
    "asian_other": ["other_asian"],
    "black_african": ["west_african", "somali"],
    "black_caribbean": ["caribbean"],
    "black_other": ["caribbean", "west_african"],
    "other_arab": ["arab"],
    "other_any": ["arab", "other_asian", "east_european"],
}

# Spelling variants and short forms for duplicate records.
VARIANTS = {
    "Mohammed": ["Muhammad", "Mohammad", "Mohamed"],
    "Mohamed": ["Mohammed", "Mohamad"],
    "Katie": ["Katy", "Katey"],
    "Kayleigh": ["Kayley", "Kaylee", "Kaleigh"],
    "Aaliyah": ["Aliyah", "Aaliya"],
    "Jayden": ["Jaden", "Jaydon"],
    "Kacper": ["Kasper"],
    "Sean": ["Shaun", "Shawn"],
    "Stephen": ["Steven"],
    "Leah": ["Lea", "Leigh"],
    "Ayesha": ["Aisha", "Aysha"],
    "Oluwaseun": ["Seun", "Oluseun"],
    "Temitope": ["Temi"],
    "Funmilayo": ["Funmi"],
    "Jessica": ["Jess"],
    "Samuel": ["Sam"],
    "Joshua": ["Josh"],
    "Thomas": ["Tom", "Tommy"],
    "Daniel": ["Dan", "Danny"],
    "Callum": ["Calum"],
    "Bethany": ["Beth"],
    "Rebecca": ["Becky"],
    "Courtney": ["Cortney"],
    "Tyrese": ["Tyreece"],
    "Chantelle": ["Shantelle"],
    "Shanice": ["Shaniece"],
    "Abdirahman": ["Abdi"],
    "Jakub": ["Jacob", "Kuba"],
    "Zuzanna": ["Susanna", "Zuza"],
    "Ioana": ["Joana"],
    "Mateusz": ["Matthew"],
    "Tobi": ["Toby"],
    "Ifeoma": ["Ify"],
    "Niamh": ["Neve"],
    "Siobhan": ["Shivaun"],
    "Caitlin": ["Katelyn"],
    "Demi": ["Demmi"],
    "Kai": ["Kye"],
    "Reece": ["Rees", "Reese"],
    "Libby": ["Liberty"],
    "Ellie": ["Elly", "Eleanor"],
    "Fatima": ["Fatimah"],
    "Maryam": ["Mariam"],
    "Hussain": ["Hussein", "Husain"],
    "Chowdhury": ["Choudhury", "Chaudhry"],
    "Uddin": ["Udin"],
    "Mahmood": ["Mahmud"],
    "McKenzie": ["Mackenzie"],
    "O'Brien": ["OBrien", "O Brien"],
    "O'Connor": ["OConnor"],
    "Adeyemi": ["Adeyemmi"],
    "Okafor": ["Okafur"],
    "Lewandowski": ["Lewandowsky"],
}

# --------------------------------------------------------------------------------------------
# Phone numbers: Ofcom's ranges reserved for drama (never allocated to a real subscriber).
# --------------------------------------------------------------------------------------------

MOBILE_POOL = [f"07700 900{n:03d}" for n in range(1000)]
LANDLINE_PREFIXES = [
    "01632 960",
    "0113 496 0",
    "0114 496 0",
    "0115 496 0",
    "0116 496 0",
    "0117 496 0",
    "0118 496 0",
    "0121 496 0",
    "0131 496 0",
    "0141 496 0",
    "0151 496 0",
    "0161 496 0",
    "020 7946 0",
    "0191 498 0",
    "029 2018 0",
]
LANDLINE_POOL = [f"{p}{n:03d}" for p in LANDLINE_PREFIXES for n in range(1000)]


def phone_form(rng: random.Random, number: str) -> str:
    """The same number as different people type it."""
    digits = number.replace(" ", "")
    r = rng.random()
    if r < 0.55:
        return number
    if r < 0.8:
        return digits
    return "+44" + digits[1:]


# --------------------------------------------------------------------------------------------
# Time helpers.  Times are written without an offset (UK local).  Nothing is written in the
# small hours of a clock-change Sunday, where a local time can be missing or ambiguous.
# --------------------------------------------------------------------------------------------


def last_sunday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1) if month < 12 else date(year, 12, 31)
    return d - timedelta(days=(d.weekday() - 6) % 7)


def safe_time(t: datetime) -> datetime:
    on_change_night = t.month in (3, 10) and t.weekday() == 6 and t.hour < 3
    if on_change_night and t.date() == last_sunday(t.year, t.month):
        return t.replace(hour=3, minute=t.minute)
    return t


def iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M")


def age_at(dob: date, t: datetime | date) -> float:
    d = t.date() if isinstance(t, datetime) else t
    return (d - dob).days / 365.25


def add_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


# --------------------------------------------------------------------------------------------
# The world
# --------------------------------------------------------------------------------------------


class Child:
    __slots__ = (
        "carers",
        "dob",
        "episodes",
        "eth",
        "family",
        "flags",
        "frequents",
        "group",
        "home",
        "id",
        "k",
        "la",
        "lac",
        "network",
        "phone",
        "place_kind",
        "placement",
        "record_weights",
        "records",
        "relatives",
        "school",
        "sex",
        "staff_links",
        "sw",
    )

    def __init__(self) -> None:
        self.records: list[str] = []
        self.placement = None  # place id of a care or foster placement
        self.place_kind = "home"
        self.group = None
        self.k = 0
        self.lac = False
        self.la = None
        self.sw = None
        self.phone = None
        self.network = None
        self.flags: set[str] = set()
        self.carers: list[str] = []
        self.frequents: list[str] = []
        self.episodes = 0
        self.relatives: list[tuple[str, str]] = []  # (person id, place id) adults they stay with


class Family:
    __slots__ = (
        "adults",
        "borough",
        "children",
        "eth",
        "home",
        "host",
        "id",
        "landline",
        "parents",
        "surname",
    )

    def __init__(self) -> None:
        self.parents: list[str] = []
        self.children: list[Child] = []
        self.adults: list[tuple[str, str, str]] = []  # (person id, place id, relation)
        self.host = False


class World:
    def __init__(
        self, seed: int, n_children: int, end: datetime, years: float, adult_share: float
    ) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.n_children = n_children
        self.scale = n_children / 1500.0
        self.end = end
        self.start = end - timedelta(days=round(365.25 * years))
        self.adult_share = adult_share
        self.prefix = f"ind{seed}"
        self.counters: Counter[str] = Counter()
        self.places: dict[str, dict[str, Any]] = {}
        self.vehicles: dict[str, dict[str, Any]] = {}
        self.persons: dict[str, dict[str, Any]] = {}
        self.episodes: list[dict[str, Any]] = []
        self.calls: list[dict[str, Any]] = []
        self.assocs: list[dict[str, Any]] = []
        self.identity: dict[str, str] = {}
        self.busy: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
        self.children: list[Child] = []
        self.child_by_id: dict[str, Child] = {}
        self.families: list[Family] = []
        self.networks: list[dict[str, Any]] = []
        self.decoys: list[dict[str, Any]] = []
        self.mobiles = list(MOBILE_POOL)
        self.landlines = list(LANDLINE_POOL)
        self.rng.shuffle(self.mobiles)
        self.rng.shuffle(self.landlines)
        self.place_kind_lists: dict[str, list[str]] = defaultdict(list)
        self.borough_places: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.child_episode_counts: Counter[str] = Counter()
        self.adult_episode_count = 0
        self.used_street_numbers: set[str] = set()
        self.cars: dict[str, str] = {}  # person id -> vehicle id they are recorded with
        self.shared_phones: list[dict[str, Any]] = []

    # ---------------------------------------------------------------- ids and small helpers

    def nid(self, kind: str) -> str:
        self.counters[kind] += 1
        return f"{self.prefix}-{kind}{self.counters[kind]:05d}"

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, seq):
        return self.rng.choice(seq)

    def weighted(self, items: dict):
        keys = list(items)
        return self.rng.choices(keys, weights=[items[k] for k in keys])[0]

    def mobile(self) -> str | None:
        return self.mobiles.pop() if self.mobiles else None

    def landline(self) -> str:
        return self.landlines.pop()

    # ---------------------------------------------------------------- places

    def _coords(self, area: tuple, town: bool) -> tuple[float, float]:
        if not town:  # a borough box
            _, _, lat0, lon0 = area
            return (
                round(lat0 + self.rng.uniform(0, 0.07), 5),
                round(lon0 + self.rng.uniform(0, 0.12), 5),
            )
        _, _, lat, lon = area
        return (
            round(lat + self.rng.uniform(-0.02, 0.02), 5),
            round(lon + self.rng.uniform(-0.03, 0.03), 5),
        )

    def _postcode(self, area_code: str) -> str:
        return (
            f"{area_code}{self.rng.randint(1, 9)} {self.rng.randint(1, 9)}"
            f"{self.pick('ABDEFGHJLNPQRSTUWXYZ')}{self.pick('ABDEFGHJLNPQRSTUWXYZ')}"
        )

    def street_address(self, flat: bool = False) -> str:
        while True:
            if flat:
                a = f"Flat {self.rng.randint(1, 48)}, {self.pick(STREETS)} {self.pick(BLOCKS)}"
            else:
                a = f"{self.rng.randint(1, 160)} {self.pick(STREETS)} {self.pick(STREET_KINDS)}"
            if a not in self.used_street_numbers:
                self.used_street_numbers.add(a)
                return a

    def new_place(
        self,
        ptype: str,
        *,
        name: str | None = None,
        address: str | None = None,
        borough: str | None = None,
        out_town: str | None = None,
        flat: bool = False,
    ) -> str:
        pid = self.nid("pl")
        if out_town is not None:
            area = next(t for t in OUT_TOWNS if t[0] == out_town)
            bname = out_town
        else:
            area = next(b for b in BOROUGHS if b[0] == borough) if borough else self.pick(BOROUGHS)
            bname = area[0]
        lat, lon = self._coords(area, out_town is not None)
        rec: dict[str, Any] = {"kind": "place", "id": pid, "type": ptype}
        if name:
            rec["name"] = name
        if address or not name:
            rec["address"] = address or self.street_address(flat)
        rec["postcode"] = self._postcode(area[1])
        rec["borough"] = bname
        rec["lat"], rec["lon"] = lat, lon
        self.places[pid] = rec
        self.place_kind_lists[ptype].append(pid)
        self.borough_places[(bname, ptype)].append(pid)
        return pid

    def place_name(self, pid: str) -> str:
        p = self.places[pid]
        return p.get("name") or p.get("address")

    # ---------------------------------------------------------------- people

    def name_for(self, eth: str, sex: str) -> tuple[str, str]:
        trad = self.pick(ETHNICITY_TRADITION[eth])
        pool = NAMES[trad]
        given = self.pick(pool["m" if sex == "male" else "f"])
        strad = self.pick(ETHNICITY_TRADITION[eth])
        return given, self.pick(NAMES[strad]["s"])

    def given_for(self, eth: str, sex: str) -> str:
        trad = self.pick(ETHNICITY_TRADITION[eth])
        return self.pick(NAMES[trad]["m" if sex == "male" else "f"])

    def dob_for_age(self, age_years: float, at: datetime) -> date:
        return (at - timedelta(days=age_years * 365.25 + self.rng.uniform(0, 364))).date()

    def new_person(
        self,
        *,
        given: str | None,
        family: str | None,
        sex: str,
        dob: date | str | None,
        eth: str | None,
        home: str | None = None,
        phones: list[str] | None = None,
        observed: bool = True,
        **extra: Any,
    ) -> str:
        pid = self.nid("p")
        rec: dict[str, Any] = {"kind": "person", "id": pid}
        if given:
            rec["given_name"] = given
        if family:
            rec["family_name"] = family
        if not given and not family:
            rec["family_name"] = "Unknown"
        if dob is not None:
            rec["date_of_birth"] = dob if isinstance(dob, str) else dob.isoformat()
        rec["sex"] = sex
        if eth:
            if self.chance(0.75):
                rec["ethnicity"] = eth
            if observed and self.chance(0.35):
                rec["observed_ethnicity"] = (
                    eth if self.chance(0.85) else self.weighted(ETHNICITY_WEIGHTS)
                )
        if home:
            rec["home"] = home
        if phones:
            rec["phones"] = [phone_form(self.rng, p) for p in phones]
        for k, v in extra.items():
            if v is not None and v != [] and v is not False:
                rec[k] = v
        self.persons[pid] = rec
        self.identity[pid] = pid
        return pid

    def full_name(self, pid: str) -> str:
        r = self.persons[pid]
        return " ".join(x for x in (r.get("given_name"), r.get("family_name")) if x)

    def new_adult(
        self,
        *,
        sex: str | None = None,
        age: tuple[int, int] = (25, 60),
        eth: str | None = None,
        home: str | None = None,
        surname: str | None = None,
        dob_known: float = 0.75,
        phone: str | None = "landline",
        **extra: Any,
    ) -> str:
        sex = sex or self.pick(["male", "female"])
        eth = eth or self.weighted(ETHNICITY_WEIGHTS)
        given, fam = self.name_for(eth, sex)
        if surname:
            fam = surname
        dob = None
        if self.chance(dob_known):
            dob = self.dob_for_age(self.rng.uniform(*age), self.end)
            if self.chance(0.08):
                dob = str(dob.year)
        phones = None
        if phone == "landline":
            phones = [self.landline()]
        elif phone == "mobile":
            m = self.mobile()
            phones = [m] if m else None
        return self.new_person(
            given=given, family=fam, sex=sex, dob=dob, eth=eth, home=home, phones=phones, **extra
        )

    # ---------------------------------------------------------------- links

    def link(
        self,
        subject: str,
        otype: str,
        obj: str,
        atype: str,
        *,
        source: Any = None,
        at: datetime | None = None,
    ) -> None:
        rec: dict[str, Any] = {
            "kind": "association",
            "id": self.nid("a"),
            "subject": subject,
            "object": {otype: obj},
            "type": atype,
        }
        if source is not None:
            rec["source"] = source
        if at is not None:
            at = min(at, self.end)
            rec["observed_at"] = iso(safe_time(at))
        self.assocs.append(rec)

    def call(
        self,
        at: datetime,
        narrative: str,
        *,
        caller: str,
        place: str | None = None,
        text: str | None = None,
        outcome: str | None = None,
    ) -> str:
        cid = self.nid("c")
        rec: dict[str, Any] = {
            "kind": "call",
            "id": cid,
            "received_at": iso(safe_time(at)),
            "narrative": narrative,
            "caller": caller,
            "reference": f"CAD-{at:%y%m%d}-{self.rng.randint(1000, 9999)}",
        }
        if place:
            rec["location"] = {"place": place}
        elif text:
            rec["location"] = text
        if outcome:
            rec["outcome"] = outcome
        self.calls.append(rec)
        return cid

    # ---------------------------------------------------------------- busy intervals

    def is_free(self, cid: str, a: datetime, b: datetime) -> bool:
        spans = self.busy[cid]
        i = bisect.bisect_left(spans, (a, a))
        margin = 2 * HOUR
        if i < len(spans) and spans[i][0] < b + margin:
            return False
        return not (i > 0 and spans[i - 1][1] + margin > a)

    def reserve(self, cid: str, a: datetime, b: datetime) -> None:
        bisect.insort(self.busy[cid], (a, b))

    # ================================================================ building the area

    def build(self) -> None:
        self.build_places()
        self.build_families()
        self.build_care()
        self.build_friend_groups()
        self.build_phones_and_profiles()
        self.plant_networks()
        self.ordinary_episodes()
        self.adult_missing()
        self.background_calls()
        self.finish_duplicates()
        self.build_decoys()

    def build_places(self) -> None:
        s = self.scale
        n = lambda base, lo=1: max(lo, round(base * s))  # noqa: E731
        school_names = [
            "Academy",
            "High School",
            "School",
            "Community College",
            "Catholic High",
            "Church of England Academy",
            "Pupil Referral Unit",
        ]
        self.schools = []
        for i in range(n(12, 3)):
            b = BOROUGHS[i % 4][0]
            kind = school_names[i % len(school_names)]
            nm = f"{self.pick(STREETS)} {kind}" if i % 3 else f"{b} {kind}"
            self.schools.append(self.new_place("school", name=nm, borough=b))
        self.stations = {}
        for i in range(n(6, 2)):
            b = BOROUGHS[i % 4][0]
            nm = f"{b} station" if i < 4 else f"{self.pick(STREETS)} Road station"
            self.stations.setdefault(b, []).append(self.new_place("station", name=nm, borough=b))
        self.out_stations = {
            t[0]: self.new_place("station", name=f"{t[0]} station", out_town=t[0])
            for t in OUT_TOWNS
        }
        ff_brands = [
            "Golden Fry Chicken",
            "Peri Grill House",
            "Burger Hut",
            "Chick King",
            "Pizza Palace",
            "Kebab Kingdom",
            "Tasty Fried Chicken",
            "Best Burger",
            "Uncle Sam's Chicken",
            "Sunrise Cafe",
            "Big Bite",
            "Crispy Corner",
        ]
        self.fast_food = [
            self.new_place(
                "fast_food",
                name=f"{self.pick(ff_brands)}, {self.pick(STREETS)} {self.pick(STREET_KINDS)}",
                borough=BOROUGHS[i % 4][0],
            )
            for i in range(n(16, 4))
        ]
        self.parks = [
            self.new_place(
                "park",
                name=f"{self.pick(STREETS)} "
                f"{self.pick(['Park', 'Recreation Ground', 'Common', 'Fields'])}",
                borough=BOROUGHS[i % 4][0],
            )
            for i in range(n(10, 3))
        ]
        self.shops = [
            self.new_place(
                "shop",
                name=f"The {self.pick(STREETS)} "
                f"{self.pick(['Shopping Centre', 'Mall', 'Retail Park'])}",
                borough=BOROUGHS[i % 4][0],
            )
            for i in range(n(5, 2))
        ]
        hotel_names = [
            "Harbourside Hotel",
            "Travel Stop",
            "Riverside Inn",
            "Station Hotel",
            "Quayside Lodge",
            "Kings Arms Hotel",
            "Premier Rest",
            "The Grange Hotel",
            "Budget Sleep",
            "Estuary View Hotel",
        ]
        self.hotels = [
            self.new_place(
                "hotel",
                name=f"{self.pick(hotel_names)} {BOROUGHS[i % 4][0]}",
                borough=BOROUGHS[i % 4][0],
            )
            for i in range(n(8, 3))
        ]
        self.out_hotels = {
            t[0]: [self.new_place("hotel", name=f"{self.pick(hotel_names)} {t[0]}", out_town=t[0])]
            for t in OUT_TOWNS
        }
        self.hospitals = [
            self.new_place(
                "hospital", name=f"{BOROUGHS[i][0]} General Hospital", borough=BOROUGHS[i][0]
            )
            for i in range(min(4, n(2)))
        ]
        self.mh_units = [
            self.new_place("mental_health_unit", name="Oakfield Unit", borough="Greyhaven")
        ]
        self.busy_in_force = (
            self.schools
            + [p for v in self.stations.values() for p in v]
            + self.fast_food
            + self.parks
            + self.shops
        )

    def near(self, pool: list[str], borough: str | None, p_same: float = 0.7) -> str:
        """A place from pool, usually in the given borough."""
        if borough and self.chance(p_same):
            local = [p for p in pool if self.places[p]["borough"] == borough]
            if local:
                return self.pick(local)
        return self.pick(pool)

    def build_families(self) -> None:
        rng = self.rng
        # Age at the START of the period.  Children who appear in police records are mostly
        # teenagers (93% of child missing incidents involve 12-17 year olds).
        ages = list(range(4, 18))
        age_w = [1, 1, 1, 2, 2, 3, 4, 6, 9, 12, 14, 15, 14, 10]
        while len(self.children) < self.n_children:
            fam = Family()
            fam.id = self.nid("fam")
            fam.eth = self.weighted(ETHNICITY_WEIGHTS)
            fam.borough = self.pick(BOROUGHS)[0]
            fam.home = self.new_place("home", borough=fam.borough, flat=self.chance(0.45))
            fam.landline = self.landline()
            nkids = rng.choices([1, 2, 3, 4, 5], weights=[35, 38, 18, 7, 2])[0]
            nkids = min(nkids, self.n_children - len(self.children))
            shape = rng.choices(["two", "mother", "father"], weights=[55, 38, 7])[0]
            parent_age = (30, 55)
            mother_sn = None
            if shape in ("two", "mother"):
                m = self.new_adult(
                    sex="female",
                    age=parent_age,
                    eth=fam.eth,
                    home=fam.home,
                    dob_known=0.6,
                    phone=None,
                )
                self.persons[m]["phones"] = [phone_form(rng, fam.landline)]
                mother_sn = self.persons[m].get("family_name")
                fam.parents.append(m)
            if shape in ("two", "father"):
                f = self.new_adult(
                    sex="male",
                    age=parent_age,
                    eth=fam.eth,
                    home=fam.home,
                    surname=mother_sn if self.chance(0.7) else None,
                    dob_known=0.6,
                    phone="landline",
                )
                fam.parents.append(f)
            fam.surname = self.persons[fam.parents[0]].get("family_name")
            self.maybe_car(self.pick(fam.parents), 0.12)
            base_age = rng.choices(ages, weights=age_w)[0]
            for j in range(nkids):
                c = Child()
                c.family = fam
                age = max(2, base_age - j * rng.randint(1, 4)) if j else base_age
                c.sex = self.pick(["male", "female"])
                c.eth = fam.eth
                c.dob = self.dob_for_age(age, self.start)
                c.home = fam.home
                c.school = self.near(self.schools, fam.borough, 0.8) if age >= 9 else None
                fam.children.append(c)
                self.children.append(c)
            # Older siblings (18-24) living in their own flat, and cousins.
            if self.chance(0.14):
                flat = self.new_place("home", borough=self.near_borough(fam.borough), flat=True)
                sib = self.new_adult(
                    age=(18, 24),
                    eth=fam.eth,
                    home=flat,
                    surname=fam.surname,
                    dob_known=0.8,
                    phone="mobile",
                )
                fam.adults.append((sib, flat, "older_sibling"))
                self.maybe_car(sib, 0.45)
            if self.chance(0.07):
                flat = self.new_place(
                    "home", borough=self.near_borough(fam.borough), flat=self.chance(0.6)
                )
                cousin = self.new_adult(
                    age=(18, 30), eth=fam.eth, home=flat, dob_known=0.6, phone="mobile"
                )
                fam.adults.append((cousin, flat, "cousin"))
                self.maybe_car(cousin, 0.45)
            if shape == "mother" and self.chance(0.18):
                # Separated father in another town: children are sometimes found there.
                town = self.pick(OUT_TOWNS)[0]
                fhome = self.new_place("home", out_town=town)
                father = self.new_adult(
                    sex="male",
                    age=(30, 55),
                    eth=fam.eth,
                    home=fhome,
                    dob_known=0.5,
                    phone="landline",
                )
                fam.adults.append((father, fhome, "father_elsewhere"))
            if self.chance(0.12):
                gran_home = self.new_place("home", borough=self.near_borough(fam.borough))
                gran = self.new_adult(
                    sex="female",
                    age=(55, 80),
                    eth=fam.eth,
                    home=gran_home,
                    surname=fam.surname if self.chance(0.5) else None,
                    dob_known=0.4,
                    phone="landline",
                )
                fam.adults.append((gran, gran_home, "grandparent"))
            self.families.append(fam)
        # Person records for the children.
        for c in self.children:
            given = self.given_for(c.eth, c.sex)
            sn = c.family.surname if self.chance(0.85) else self.name_for(c.eth, c.sex)[1]
            dob: date | str | None = c.dob
            r = self.rng.random()
            if r < 0.03:
                dob = None
            elif r < 0.06:
                dob = f"{c.dob.year}-{c.dob.month:02d}" if self.chance(0.5) else str(c.dob.year)
            c.id = self.new_person(
                given=given,
                family=sn,
                sex=c.sex if self.chance(0.98) else "unknown",
                dob=dob,
                eth=c.eth,
                home=c.home,
            )
            c.records = [c.id]
            self.child_by_id[c.id] = c
            for pid in c.family.parents:
                self.link(c.id, "person", pid, "family", source="family details")
            for pid, _, rel in c.family.adults:
                self.link(c.id, "person", pid, "family", source=f"family details ({rel})")
        for fam in self.families:
            kids = fam.children
            for i in range(len(kids)):
                for j in range(i + 1, len(kids)):
                    if self.chance(0.7):
                        self.link(kids[j].id, "person", kids[i].id, "family", source="sibling")

    def maybe_car(self, pid: str, p: float) -> None:
        """Some adults have a car on record (a keeper check, a stop)."""
        if self.chance(p):
            v = self.new_vehicle()
            self.cars[pid] = v
            self.link(
                pid,
                "vehicle",
                v,
                "in_vehicle",
                source="registered keeper check",
                at=self.start - timedelta(days=self.rng.randint(0, 700)),
            )

    def near_borough(self, b: str) -> str:
        return b if self.chance(0.6) else self.pick(BOROUGHS)[0]

    # ---------------------------------------------------------------- care placements

    def build_care(self) -> None:
        rng = self.rng
        mid = self.start + (self.end - self.start) / 2
        teens = [c for c in self.children if 10 <= age_at(c.dob, mid) < 18]
        n_lac = round(0.12 * len(self.children))
        # Looked-after children are over-represented among missing children and older.
        weights = [1 + max(0, age_at(c.dob, mid) - 11) for c in teens]
        lac = set()
        while len(lac) < min(n_lac, len(teens)):
            lac.add(id(rng.choices(teens, weights=weights)[0]))
        lac_children = sorted((c for c in teens if id(c) in lac), key=lambda c: c.dob)
        # Semi-independent (supported) accommodation is for the oldest, 16 and 17.
        n_hostel = round(0.10 * len(lac_children))
        hostel_kids = lac_children[:n_hostel]
        rest = lac_children[n_hostel:]
        rng.shuffle(rest)
        n_res = round(0.40 * len(lac_children))
        residential = rest[:n_res]
        foster_kids = rest[n_res:]
        home_names = [
            "Willow House",
            "Beech Lodge",
            "The Cedars",
            "Rowan House",
            "Meadow View",
            "Harbour Lights",
            "Linnet House",
            "Oak Tree Lodge",
            "Heron Court",
            "Juniper House",
            "Sedge Lodge",
            "Plover House",
            "Lantern House",
            "Fennel Lodge",
            "Copse View",
            "Saltings House",
            "Tidewater House",
        ]
        self.care_homes: list[dict[str, Any]] = []
        n_homes = max(2, math.ceil(len(residential) / 5))
        for i in range(n_homes):
            b = BOROUGHS[i % 4][0]
            nm = home_names[i % len(home_names)] + ("" if i < len(home_names) else f" {i}")
            pid = self.new_place("care_home", name=nm, borough=b, address=self.street_address())
            staff = [
                self.new_adult(age=(22, 60), home=None, dob_known=0.35, phone=None)
                for _ in range(rng.randint(4, 7))
            ]
            manager = staff[0]
            self.care_homes.append(
                {
                    "place": pid,
                    "staff": staff,
                    "manager": manager,
                    "phone": self.landline(),
                    "children": [],
                    "borough": b,
                    "name": nm,
                }
            )
        # Placements use contracted private-hire cars for school runs and collections.
        self.taxis = []
        for _ in range(max(1, round(2 * self.scale))):
            v = self.new_vehicle()
            driver = self.new_adult(sex="male", age=(28, 65), dob_known=0.5, phone="mobile")
            self.link(
                driver,
                "vehicle",
                v,
                "in_vehicle",
                source="private hire licence record",
                at=self.start - timedelta(days=rng.randint(0, 700)),
            )
            self.taxis.append({"vehicle": v, "driver": driver, "children": set()})
        for i, h in enumerate(self.care_homes):
            h["taxi"] = self.taxis[i % len(self.taxis)]
        for i, c in enumerate(residential):
            h = self.care_homes[i % n_homes]
            self._place_child(c, h["place"], "care_home", h["staff"], h, carer_type="care")
        self.hostels = []
        for i in range(max(1, round(3 * self.scale))):
            b = BOROUGHS[(i + 1) % 4][0]
            pid = self.new_place(
                "hostel", name=f"{self.pick(STREETS)} Supported Housing", borough=b
            )
            workers = [
                self.new_adult(age=(23, 55), dob_known=0.3, phone=None)
                for _ in range(rng.randint(2, 3))
            ]
            self.hostels.append(
                {
                    "place": pid,
                    "staff": workers,
                    "phone": self.landline(),
                    "children": [],
                    "borough": b,
                }
            )
        for i, c in enumerate(hostel_kids):
            h = self.hostels[i % len(self.hostels)]
            self._place_child(c, h["place"], "hostel", h["staff"], h, carer_type="key")
        self.foster_homes = []
        i = 0
        while i < len(foster_kids):
            n = rng.choices([1, 2, 3], weights=[55, 33, 12])[0]
            b = self.pick(BOROUGHS)[0]
            pid = self.new_place("foster_home", borough=b)
            carers = [
                self.new_adult(
                    sex="female", age=(35, 65), home=pid, dob_known=0.6, phone="landline"
                )
            ]
            if self.chance(0.55):
                carers.append(
                    self.new_adult(
                        sex="male",
                        age=(35, 65),
                        home=pid,
                        surname=self.persons[carers[0]].get("family_name"),
                        dob_known=0.6,
                        phone=None,
                    )
                )
            fh = {"place": pid, "staff": carers, "phone": None, "children": [], "borough": b}
            fh["phone"] = self.persons[carers[0]]["phones"][0]
            self.foster_homes.append(fh)
            for c in foster_kids[i : i + n]:
                self._place_child(c, pid, "foster_home", carers, fh, carer_type="foster")
            i += n
        # Social workers: each holds a caseload of looked-after children.
        self.social_workers = []
        n_sw = max(2, math.ceil(len(lac_children) / 12))
        for _ in range(n_sw):
            self.social_workers.append(
                {
                    "id": self.new_adult(age=(25, 60), dob_known=0.2, phone="landline"),
                    "children": [],
                }
            )
        for c in lac_children:
            sw = self.pick(self.social_workers)
            c.sw = sw["id"]
            sw["children"].append(c)
            self.link(
                c.id,
                "person",
                c.sw,
                "professional",
                source="allocated social worker",
                at=self.start - timedelta(days=rng.randint(0, 500)),
            )
        # Some children still at home have a child-in-need or protection social worker.
        for c in self.children:
            if not c.lac and age_at(c.dob, mid) >= 11 and self.chance(0.06):
                sw = self.pick(self.social_workers)
                c.sw = sw["id"]
                sw["children"].append(c)
                self.link(
                    c.id,
                    "person",
                    c.sw,
                    "professional",
                    source="child in need plan",
                    at=self.start + timedelta(days=rng.randint(0, 600)),
                )

    def _place_child(
        self, c: Child, place: str, kind: str, carers: list[str], holder: dict, carer_type: str
    ) -> None:
        c.lac = True
        c.placement = place
        c.place_kind = kind
        c.home = place
        c.carers = carers
        holder["children"].append(c)
        c.la = "Estmere Borough Council" if self.chance(0.7) else self.pick(OTHER_LAS)
        since = self.start - timedelta(days=self.rng.randint(-300, 900))
        since = min(since, self.end - 30 * DAY)
        for s in carers:
            if carer_type == "key":
                atype = "professional" if self.chance(0.6) else "carer"
            else:
                # Care staff are often recorded as plain "associate" by whoever keyed the link.
                atype = "carer" if self.chance(0.75) else "associate"
            self.link(c.id, "person", s, atype, source="placement details", at=since)
        # A quarter of looked-after children in care have no birth-family link recorded.
        if self.chance(0.25):
            self.assocs = [
                a
                for a in self.assocs
                if not (
                    a["subject"] == c.id
                    and a["type"] == "family"
                    and a.get("source") == "family details"
                )
            ]

    # ---------------------------------------------------------------- friend groups

    def build_friend_groups(self) -> None:
        """Friendship groups of 3-6 children at the same school and of a similar age."""
        rng = self.rng
        mid = self.start + (self.end - self.start) / 2
        by_school: dict[str, list[Child]] = defaultdict(list)
        for c in self.children:
            if c.school and age_at(c.dob, mid) >= 11:
                by_school[c.school].append(c)
        self.groups: list[dict[str, Any]] = []
        for school, kids in by_school.items():
            kids.sort(key=lambda c: c.dob)
            i = 0
            while i < len(kids):
                size = rng.randint(3, 6)
                members = kids[i : i + size]
                i += size
                if len(members) < 2 or self.chance(0.2):
                    continue
                g = {"id": len(self.groups), "members": members, "school": school, "host": None}
                # The house everyone goes to: a family home with a parent who lets friends stay.
                hosts = [m for m in members if not m.lac and m.family.parents]
                if hosts and self.chance(0.55):
                    h = self.pick(hosts)
                    g["host"] = h
                    h.family.host = True
                for m in members:
                    m.group = g
                self.groups.append(g)

    # ---------------------------------------------------------------- phones and profiles

    def build_phones_and_profiles(self) -> None:
        mid = self.start + (self.end - self.start) / 2
        # A parent's mobile given as the contact number for several of their children.
        for fam in self.families:
            teens = [c for c in fam.children if age_at(c.dob, mid) >= 10]
            if len(teens) >= 2 and fam.parents and self.chance(0.12):
                num = self.mobile()
                if not num:
                    break
                parent = self.pick(fam.parents)
                self.persons[parent].setdefault("phones", []).append(phone_form(self.rng, num))
                for c in teens:
                    self.persons[c.id].setdefault("phones", []).append(phone_form(self.rng, num))
                self.shared_phones.append(
                    {
                        "type": "shared_household_phone",
                        "phone": num,
                        "adults": [parent],
                        "place": fam.home,
                        "children": [c.id for c in teens],
                    }
                )
        for c in self.children:
            a = age_at(c.dob, mid)
            if a >= 11 and self.chance(0.5 if a < 14 else 0.65):
                c.phone = self.mobile()
                if c.phone:
                    self.persons[c.id].setdefault("phones", []).insert(
                        0, phone_form(self.rng, c.phone)
                    )
            if c.place_kind == "care_home" and self.chance(0.3):
                # The home's landline recorded as the child's number.
                h = next(h for h in self.care_homes if h["place"] == c.placement)
                self.persons[c.id].setdefault("phones", []).append(phone_form(self.rng, h["phone"]))
                h.setdefault("phone_children", []).append(c.id)
            if c.lac:
                self.persons[c.id]["looked_after"] = True
                self.persons[c.id]["local_authority"] = c.la
                b = self.places[c.home]["borough"]
                freq = [self.near(self.fast_food, b), self.near(self.parks, b)]
                if self.chance(0.5):
                    freq.append(self.near(self.shops, b))
                c.frequents = freq
                if c.place_kind in ("care_home", "hostel") and self.chance(0.8):
                    self.persons[c.id]["philomena"] = {
                        "completed_by": "placement",
                        "places_frequented": [self.place_name(p) for p in freq],
                        "previous_missing": "see police records",
                    }
                    for p in freq:
                        self.link(c.id, "place", p, "frequents", source="Philomena profile")

    # ================================================================ episodes (shared)

    def choose_record(self, c: Child) -> str:
        if len(c.records) > 1 and self.chance(0.4):
            return self.pick(c.records[1:])
        return c.records[0]

    def reporter(self, c: Child, at_place: str | None = None) -> dict[str, Any]:
        if c.lac and c.carers:
            s = self.pick(c.carers)
            rel = {
                "care_home": "residential care worker",
                "hostel": "key worker",
                "foster_home": "foster carer",
            }[c.place_kind]
            holder_phone = None
            for pool in (self.care_homes, self.hostels, self.foster_homes):
                for h in pool:
                    if h["place"] == c.placement:
                        holder_phone = h["phone"]
            rb = {"name": self.full_name(s), "relationship": rel}
            if holder_phone:
                rb["phone"] = phone_form(self.rng, holder_phone)
            return rb
        if c.family.parents:
            p = self.pick(c.family.parents)
            rel = "mother" if self.persons[p]["sex"] == "female" else "father"
            return {
                "name": self.full_name(p),
                "relationship": rel,
                "phone": phone_form(self.rng, c.family.landline),
            }
        return {"name": "school safeguarding lead", "relationship": "school"}

    def child_duration(self) -> float:
        """Hours missing: 79% within 24 h, 90% within 2 days, under 2% over a week."""
        r = self.rng.random()
        if r < 0.79:
            return min(23.9, max(0.75, self.rng.lognormvariate(math.log(6.5), 0.75)))
        if r < 0.90:
            return self.rng.uniform(24, 48)
        if r < 0.982:
            return self.rng.uniform(48, 168)
        return self.rng.uniform(168, 400)

    def evening_time(self, day: datetime) -> datetime:
        hour = self.rng.choices(
            range(24),
            weights=[2, 1, 1, 1, 1, 1, 2, 4, 5, 3, 3, 3, 3, 4, 4, 7, 9, 9, 9, 9, 9, 8, 6, 4],
        )[0]
        return day.replace(hour=hour, minute=self.rng.randrange(0, 60), second=0, microsecond=0)

    def grade(self, weights: tuple[float, float, float, float]) -> str:
        return self.rng.choices(["very_low", "low", "medium", "high"], weights=weights)[0]

    def add_episode(
        self,
        c: Child,
        last_seen: datetime,
        hours: float,
        *,
        last_seen_place: str | None = None,
        last_seen_text: str | None = None,
        found_place: str | None = None,
        found_text: str | None = None,
        found_with: list[str] | None = None,
        returned: bool = False,
        found_by: str | None = None,
        circumstances: str | None = None,
        grade_w: tuple = (0, 14, 72, 14),
        harmed: float = 0.03,
        disclosures: list[str] | None = None,
        record: str | None = None,
        force_found_at: datetime | None = None,
    ) -> dict[str, Any] | None:
        last_seen = safe_time(last_seen)
        if last_seen >= self.end - HOUR or last_seen < self.start:
            return None
        if age_at(c.dob, last_seen) >= 18:
            return None
        found_at = force_found_at or (last_seen + timedelta(hours=hours))
        found_at = safe_time(found_at)
        if found_at < last_seen + timedelta(minutes=20):
            found_at = last_seen + timedelta(minutes=self.rng.randint(20, 60))
        delay_h = (
            self.rng.lognormvariate(math.log(1.2), 0.6)
            if c.lac
            else self.rng.lognormvariate(math.log(2.5), 0.7)
        )
        span_h = (found_at - last_seen).total_seconds() / 3600
        if delay_h >= span_h - 0.25:
            delay_h = max(0.1, span_h * self.rng.uniform(0.2, 0.6))
        reported = safe_time(last_seen + timedelta(hours=delay_h))
        if reported >= self.end:
            return None
        ongoing = found_at > self.end
        busy_end = self.end if ongoing else found_at
        if not self.is_free(c.id, last_seen, busy_end):
            return None
        self.reserve(c.id, last_seen, busy_end)
        rid = record or self.choose_record(c)
        eid = self.nid("e")
        ep: dict[str, Any] = {
            "kind": "episode",
            "id": eid,
            "person": rid,
            "reported_at": iso(reported),
            "reported_by": self.reporter(c),
            "last_seen_at": iso(last_seen),
        }
        if last_seen_place:
            ep["last_seen_place"] = last_seen_place
        elif last_seen_text:
            ep["last_seen_text"] = last_seen_text
        if circumstances:
            ep["circumstances"] = circumstances
        ep["risk_grade"] = self.grade(grade_w)
        if ongoing:
            ep["outcome"] = "ongoing"
        else:
            if found_at <= reported:
                found_at = reported + timedelta(minutes=self.rng.randint(15, 90))
            ep["found_at"] = iso(found_at)
            if found_place:
                ep["found_place"] = found_place
            elif found_text:
                ep["found_text"] = found_text
            fw = [f for f in (found_with or []) if self.identity.get(f) != c.id and f != rid]
            if fw:
                ep["found_with"] = list(dict.fromkeys(fw))
            if found_by:
                ep["found_by"] = found_by
            ep["outcome"] = (
                "found_harmed" if self.chance(harmed) else "returned" if returned else "found_safe"
            )
            if self.chance(0.75):
                held = found_at + timedelta(hours=self.rng.uniform(1, 30))
                if held < self.end:
                    ep["prevention_interview"] = {
                        "text": self.pick(PI_TEXTS),
                        "held_at": iso(safe_time(held)),
                    }
            if self.chance(0.7):
                offered = found_at + timedelta(hours=self.rng.uniform(12, 70))
                if offered < self.end:
                    rhi: dict[str, Any] = {"offered_at": iso(safe_time(offered))}
                    if self.chance(0.62):
                        held = offered + timedelta(hours=self.rng.uniform(2, 60))
                        if held < self.end:
                            rhi["held_at"] = iso(safe_time(held))
                            rhi["declined"] = False
                            rhi["text"] = self.pick(RHI_TEXTS)
                            if disclosures:
                                rhi["disclosures"] = disclosures
                    else:
                        rhi["declined"] = True
                    ep["rhi"] = rhi
        self.episodes.append(ep)
        self.child_episode_counts[c.id] += 1
        c.episodes += 1
        return ep

    # ================================================================ ordinary episodes

    def child_k(self, c: Child) -> int:
        mid = self.start + (self.end - self.start) / 2
        a = age_at(c.dob, mid)
        p = 0.04 if a < 10 else 0.22 if a < 12 else 0.5 if a < 14 else 0.68
        if c.eth.startswith("black") or c.eth.startswith("mixed_white_black"):
            p *= 1.35  # Black children are over-represented among missing children
        if c.lac:
            p = min(0.95, p * 1.35)
        if not self.chance(min(p, 0.95)):
            return 0
        if c.lac:
            bands = [(1, 1, 30), (2, 2, 15), (3, 4, 15), (5, 8, 17), (9, 20, 15), (21, 40, 8)]
        else:
            bands = [(1, 1, 55), (2, 2, 18), (3, 4, 13), (5, 8, 9), (9, 20, 4.2), (21, 36, 0.8)]
        lo, hi, _ = self.rng.choices(bands, weights=[b[2] for b in bands])[0]
        return self.rng.randint(lo, hi)

    def episode_times(self, c: Child, k: int, window: tuple[datetime, datetime]) -> list[datetime]:
        """k start times, clustered: risk of another episode is highest in the weeks after a
        return (over half of first repeats come within four weeks)."""
        a, b = window
        span = (b - a).total_seconds()
        if span <= DAY.total_seconds() or k <= 0:
            return []
        t = self.rng.uniform(0, span)
        out = []
        for _ in range(k):
            out.append(t)
            gap = (
                self.rng.expovariate(1 / 12) if self.chance(0.55) else self.rng.expovariate(1 / 80)
            ) * 86400 + 3600 * 6
            t = (t + gap) % span
        return sorted(a + timedelta(seconds=s) for s in out)

    def child_window(self, c: Child) -> tuple[datetime, datetime]:
        lo = max(self.start, datetime.combine(add_years(c.dob, 8), datetime.min.time()))
        hi = min(self.end - DAY, datetime.combine(add_years(c.dob, 18), datetime.min.time()))
        return lo, hi

    def ordinary_episodes(self) -> None:
        plan: list[tuple[datetime, Child]] = []
        for c in self.children:
            k = self.child_k(c)
            c.k = k
            lo, hi = self.child_window(c)
            if c.network is not None:
                # A network child's ordinary episodes fall before they were drawn in.
                hi = min(hi, c.network["joined"][c.id])
                k = max(0, min(k, 3))
            for t in self.episode_times(c, k, (lo, hi)):
                plan.append((t, c))
        plan.sort(key=lambda x: x[0])
        for t, c in plan:
            self.ordinary_one(c, self.evening_time(t))
        # Flags are applied to many children professionals worry about, not only the exploited.
        for c in self.children:
            if c.network is None and c.episodes >= 4:
                if self.chance(0.12):
                    c.flags.add("cse_risk" if c.sex == "female" else "cce_risk")
                if self.chance(0.15):
                    c.flags.add("mental_health")
                if self.chance(0.1):
                    c.flags.add("self_harm")

    def ordinary_one(self, c: Child, t: datetime) -> None:
        rng = self.rng
        hours = self.child_duration()
        b = self.places[c.home]["borough"]
        weekday_day = t.weekday() < 5 and 8 <= t.hour < 15
        # Where last seen.
        lsp = c.home
        lst = None
        r = rng.random()
        if weekday_day and c.school and r < 0.45:
            lsp = c.school
        elif r < 0.2:
            lsp = self.near(self.busy_in_force, b)
        elif r < 0.26:
            lsp, lst = (
                None,
                self.pick(
                    [
                        "left on foot after an argument",
                        "did not return from the shop",
                        "left through a window",
                        "went out with friends",
                        "did not return after contact visit",
                    ]
                ),
            )
        # Who went with them.
        companions: list[Child] = []  # other children who were also reported missing
        along: list[str] = []  # record ids of others found with them but not reported
        kind = "solo"
        g = c.group
        siblings = [
            s
            for s in c.family.children
            if s is not c and s.k > 0 and s.home == c.home and age_at(s.dob, t) >= 10
        ]
        residents = []
        if c.place_kind == "care_home":
            for h in self.care_homes:
                if h["place"] == c.placement:
                    residents = [x for x in h["children"] if x is not c and x.network is None]
        r = rng.random()
        if g and r < 0.28:
            kind = "friends"
            others = [m for m in g["members"] if m is not c]
            rng.shuffle(others)
            for m in others[: rng.randint(1, len(others))]:
                if self.chance(0.3 if m.k > 0 else 0.06) and m.network is None:
                    companions.append(m)
                else:
                    along.append(self.choose_record(m))
        elif siblings and r < 0.36:
            kind = "siblings"
            companions = rng.sample(siblings, rng.randint(1, min(2, len(siblings))))
        elif residents and r < 0.46:
            kind = "residents"
            companions = rng.sample(residents, min(len(residents), rng.choice([1, 1, 2])))
        elif c.group and r < 0.6:
            m = self.pick([x for x in c.group["members"] if x is not c])
            along.append(self.choose_record(m))
        # Where found.
        fp = None
        ft = None
        returned = False
        found_by = None
        extra_adults: list[str] = []
        car_link = None
        r = rng.random()
        host = g["host"] if g else None
        relatives = [(pid, pl, rel) for pid, pl, rel in c.family.adults]
        if kind == "friends" and host is not None and r < 0.38:
            fp = host.family.home
            found_by = self.pick(["friend's parent called police", "police", "parent"])
            if self.chance(0.35):
                extra_adults.append(self.pick(host.family.parents))
            if host is not c:
                along.append(self.choose_record(host))
        elif r < 0.40:
            fp = c.home
            returned = True
            found_by = "self-returned"
        elif r < 0.72:
            fp = self.near(self.busy_in_force, b, 0.6)
            found_by = self.pick(
                [
                    "police patrol",
                    "member of the public",
                    "parent",
                    "police",
                    "British Transport Police",
                    "security staff",
                ]
            )
        elif relatives and r < 0.82:
            pid, pl, _rel = self.pick(relatives)
            fp = pl
            found_by = "police" if self.chance(0.5) else "relative"
            if self.chance(0.55):
                extra_adults.append(pid)
            if pid in self.cars and self.chance(0.3):
                car_link = self.cars[pid]
        elif r < 0.86:
            fp = self.pick(self.hospitals)
            found_by = "hospital staff"
        elif r < 0.87:
            fp = self.pick(self.hotels)  # rare: ordinary hotels where a child is seldom found
            found_by = "hotel staff"
        elif r < 0.895:
            town = self.pick(OUT_TOWNS)[0]
            where = self.pick(
                ["at a friend's address", "on the seafront", "in the town centre", "at a bus stop"]
            )
            ft = f"found in {town}, {where}"
            found_by = "other force"
        elif g and r < 0.93:
            friend = self.pick([m for m in g["members"] if m is not c])
            fp = friend.family.home if not friend.lac else friend.home
            along.append(self.choose_record(friend))
            found_by = "police"
        else:
            ft = self.pick(
                [
                    "walking along the high street",
                    "at a bus stop",
                    "in a stairwell",
                    "near the canal towpath",
                    "on a night bus",
                    "at a petrol station",
                ]
            )
            found_by = "police patrol"
        if c.lac and not returned and self.chance(0.09):
            extra_adults.append(self.pick(c.carers))  # staff went out and collected the child
            found_by = "care staff"
        elif c.place_kind == "care_home" and not returned and fp and self.chance(0.12):
            taxi = next(h["taxi"] for h in self.care_homes if h["place"] == c.placement)
            car_link = taxi["vehicle"]
            taxi["children"].add(c.id)
            found_by = "collected by the placement's contracted taxi"
        if c.family.parents and not c.lac and not returned and self.chance(0.05):
            extra_adults.append(self.pick(c.family.parents))
        if returned and along and self.chance(0.6):
            along = []  # a child who walks back in is seldom recorded with who they had been with
        circ = self.pick(CIRCUMSTANCES)
        group_recs = [self.choose_record(x) for x in companions]
        ep = self.add_episode(
            c,
            t,
            hours,
            last_seen_place=lsp,
            last_seen_text=lst,
            found_place=fp,
            found_text=ft,
            returned=returned,
            found_with=group_recs + along + extra_adults,
            found_by=found_by,
            circumstances=circ,
        )
        if ep is None:
            return
        found_at = datetime.fromisoformat(ep["found_at"]) if "found_at" in ep else None
        self.maybe_sighting(c, ep, t, found_at, b)
        if car_link and found_at:
            self.link(
                ep["person"],
                "vehicle",
                car_link,
                "in_vehicle",
                source={"episode": ep["id"]},
                at=found_at,
            )
        # Companions reported missing too, by their own carers, found together.
        for x in companions:
            mine = (
                [self.choose_record(y) for y in companions if y is not x]
                + along
                + [self.choose_record(c)]
            )
            if found_at is None:
                continue
            self.add_episode(
                x,
                t + timedelta(minutes=rng.randint(-40, 40)),
                hours,
                last_seen_place=lsp if kind != "friends" else x.home,
                found_place=(x.home if returned else fp),
                found_text=None if fp or returned else ft,
                returned=returned,
                found_with=mine + extra_adults,
                found_by=found_by,
                circumstances=circ,
                force_found_at=found_at + timedelta(minutes=rng.randint(0, 20)),
            )

    def maybe_sighting(
        self, c: Child, ep: dict, t: datetime, found_at: datetime | None, b: str
    ) -> None:
        if found_at is None or not self.chance(0.1):
            return
        at = t + (found_at - t) * self.rng.uniform(0.2, 0.8)
        p = self.near(self.busy_in_force, b)
        name = self.full_name(ep["person"])
        cid = self.call(
            at,
            f"Caller believes they have seen missing child {name} at "
            f"{self.place_name(p)}; gone on police arrival.",
            caller="member of the public",
            place=p,
            outcome="area searched",
        )
        self.link(ep["person"], "place", p, "seen_at", source={"call": cid}, at=at)

    # ================================================================ planted networks

    def candidates(
        self,
        *,
        sex_w: dict[str, float],
        age: tuple[float, float],
        at: datetime,
        lac_share: float,
        n: int,
        prefer_schools: list[str] | None = None,
        prefer_homes: list[str] | None = None,
    ) -> list[Child]:
        pool = [
            c
            for c in self.children
            if c.network is None
            and age[0] <= age_at(c.dob, at) < age[1]
            and age_at(c.dob, at + 120 * DAY) < 18
        ]
        out: list[Child] = []
        for _ in range(n * 40):
            if len(out) >= n or not pool:
                break
            want_lac = self.chance(lac_share)
            sub = [c for c in pool if c.lac == want_lac and c not in out]
            if prefer_homes and want_lac:
                pref = [c for c in sub if c.placement in prefer_homes]
                if pref and self.chance(0.75):
                    sub = pref
            if prefer_schools and not want_lac:
                pref = [c for c in sub if c.school in prefer_schools]
                if pref and self.chance(0.7):
                    sub = pref
            if not sub:
                continue
            w = [sex_w.get(c.sex, 0.01) for c in sub]
            pickc = self.rng.choices(sub, weights=w)[0]
            out.append(pickc)
        return out

    def network_window(self, min_days: int, max_days: int) -> tuple[datetime, datetime]:
        total = (self.end - self.start).days
        min_days = min(min_days, total - 31)
        length = self.rng.randint(min_days, max(min_days, min(max_days, total - 30)))
        begin = self.start + timedelta(days=self.rng.randint(0, max(1, total - length - 10)))
        return begin, min(self.end - DAY, begin + timedelta(days=length))

    def plant_networks(self) -> None:
        s = self.scale
        counts = {
            "county_lines": max(1, round(2 * s + self.rng.uniform(-0.4, 0.4))),
            "cse": max(1, round(2 * s + self.rng.uniform(-0.4, 0.4))),
            "peer": max(1, round(2 * s + self.rng.uniform(-0.4, 0.4))),
        }
        for i in range(counts["county_lines"]):
            self.plant_county_line(i + 1)
        for i in range(counts["cse"]):
            self.plant_cse(i + 1)
        for i in range(counts["peer"]):
            self.plant_peer(i + 1)
        # Episodes are generated after ordinary episodes are known: store them for later.

    def _net(self, kind: str, idx: int, window: tuple[datetime, datetime]) -> dict[str, Any]:
        n = {
            "id": f"{kind}-{idx}",
            "type": kind,
            "county_lines": kind == "county_lines",
            "adults": [],
            "places": [],
            "children": [],
            "vehicles": [],
            "phones": [],
            "start": iso(window[0]),
            "end": iso(window[1]),
            "joined": {},
            "window": window,
            "other_adults": [],
            "alias_records": {},
        }
        self.networks.append(n)
        return n

    def _join(
        self, n: dict, kids: list[Child], window: tuple[datetime, datetime], spread: float = 0.6
    ) -> None:
        a, b = window
        for i, c in enumerate(kids):
            if i < 2:
                j = a + timedelta(days=self.rng.uniform(0, 20))
            else:
                j = a + (b - a) * self.rng.uniform(0.05, spread)
            c.network = n
            n["joined"][c.id] = j
            n["children"].append(c.id)

    def exploiter(
        self,
        n: dict,
        *,
        age: tuple[int, int],
        sex: str = "male",
        home: str | None = None,
        alias: bool = True,
    ) -> str:
        street = self.pick(STREET_NAMES)
        pid = self.new_adult(
            sex=sex,
            age=age,
            home=home,
            dob_known=0.7,
            phone="mobile",
            aliases=[street] if alias and self.chance(0.6) else None,
            observed=True,
        )
        n["adults"].append(pid)
        return pid

    def alias_record(self, n: dict, adult: str) -> str | None:
        """A second record for an exploiter under a street name only (no surname, no date of
        birth), as officers record who a child was with."""
        if not self.chance(0.25):
            return None
        r = self.persons[adult]
        street = (r.get("aliases") or [self.pick(STREET_NAMES)])[0]
        pid = self.new_person(given=street, family=None, sex=r["sex"], dob=None, eth=None)
        self.identity[pid] = adult
        n["adults"].append(pid)
        n["alias_records"][pid] = adult
        return pid

    def who(self, n: dict, adult: str) -> str:
        """The record an officer used for a planted adult."""
        for alias, real in n["alias_records"].items():
            if real == adult and self.chance(0.35):
                return alias
        return adult

    # ---------------------------------------------------------------- county lines

    def plant_county_line(self, idx: int) -> None:
        """A line run from the force area into a market or coastal town: one or two adults, a
        cuckooed address used as a base, shared work phones, children travelling by train and
        found out of area (NCA county lines assessments; Home Office county lines guidance;
        BTP taskforce reports)."""
        rng = self.rng
        window = self.network_window(180, 430)
        n = self._net("county_lines", idx, window)
        town = self.pick(OUT_TOWNS)[0]
        n["towns"] = [town]
        b = self.pick(BOROUGHS)[0]
        base_home = self.new_place("home", borough=b, flat=True)
        controller = self.exploiter(n, age=(19, 28), home=base_home)
        elder = self.exploiter(n, age=(18, 22), home=None) if self.chance(0.6) else None
        self.alias_record(n, controller)
        deal_line = self.mobile()
        work_phones = [self.mobile() for _ in range(rng.randint(2, 3))]
        work_phones = [p for p in work_phones if p]
        n["phones"] = [p for p in [deal_line, *work_phones] if p]
        if deal_line:
            self.link(
                controller,
                "phone",
                deal_line,
                "uses_phone",
                source="intelligence report",
                at=window[0] + (window[1] - window[0]) * rng.uniform(0.3, 0.8),
            )
        traps = [self.new_place("home", out_town=town, flat=True)]
        if self.chance(0.5):
            traps.append(self.new_place("home", out_town=town))
        cuckooed = []
        for t in traps:
            v = self.new_adult(
                age=(35, 62),
                home=t,
                dob_known=0.8,
                phone="landline",
                flags=["drugs"] if self.chance(0.7) else None,
            )
            cuckooed.append(v)
        n["other_adults"] = cuckooed
        out_station = self.out_stations[town]
        n["places"] = [*traps, out_station]
        vehicle = None
        if self.chance(0.4):
            vehicle = self.new_vehicle(hire=True)
            n["vehicles"].append(vehicle)
        seed_school = self.near(self.schools, b, 0.8)
        kids = self.candidates(
            sex_w={"male": 0.82, "female": 0.18},
            age=(13.5, 17.3),
            at=window[0],
            lac_share=0.3,
            n=rng.randint(4, 8),
            prefer_schools=[seed_school],
        )
        self._join(n, kids, window)
        base_used = False
        local_station = self.pick(
            self.stations.get(b) or [p for v in self.stations.values() for p in v]
        )
        for c in kids:
            c.flags |= {
                f
                for f, p in (
                    ("cce_risk", 0.6),
                    ("county_lines", 0.45),
                    ("drugs", 0.3),
                    ("weapons", 0.08),
                )
                if self.chance(p)
            }
            if self.chance(0.3) and work_phones:
                ph = self.persons[c.id].setdefault("phones", [])
                ph.append(phone_form(rng, self.pick(work_phones)))
        # Episodes, in time order across the line.
        events: list[tuple[datetime, Child]] = []
        for c in kids:
            t = n["joined"][c.id]
            end = min(window[1], datetime.combine(add_years(c.dob, 18), datetime.min.time()))
            while t < end:
                events.append((t, c))
                t += timedelta(days=rng.gammavariate(2.0, 8.5) + 2)
        events.sort(key=lambda e: e[0])

        def phase_phone(at):
            return (
                work_phones[
                    min(
                        len(work_phones) - 1,
                        int(len(work_phones) * (at - window[0]) / (window[1] - window[0] + DAY)),
                    )
                ]
                if work_phones
                else None
            )

        for t, c in events:
            t = (
                self.evening_time(t)
                if self.chance(0.6)
                else t.replace(hour=rng.randint(6, 14), minute=rng.randrange(60))
            )
            r = rng.random()
            hours = (
                rng.uniform(12, 24)
                if r < 0.25
                else rng.uniform(24, 72)
                if r < 0.7
                else rng.uniform(72, 168)
                if r < 0.92
                else rng.uniform(168, 380)
            )
            ch = self.places[c.home]["borough"]
            r = rng.random()
            lsp = (
                c.home
                if r < 0.5
                else local_station
                if r < 0.7
                else c.school or c.home
                if r < 0.85
                else self.near(self.fast_food, ch)
            )
            mates = [
                x
                for x in kids
                if x is not c
                and n["joined"][x.id] <= t
                and self.is_free(x.id, t, t + timedelta(hours=hours))
            ]
            together = rng.sample(mates, 1) if mates and self.chance(0.35) else []
            r = rng.random()
            fw: list[str] = []
            fp = ft = None
            returned = False
            found_by = None
            trap = (
                traps[0]
                if len(traps) == 1 or t < window[0] + (window[1] - window[0]) / 2
                else traps[1]
            )
            if r < 0.22:
                fp = trap
                found_by = f"{town} police, warrant at address"
                if self.chance(0.6):
                    fw.append(cuckooed[traps.index(trap)])
                if self.chance(0.25):
                    fw.append(self.who(n, controller))
                if elder and self.chance(0.3):
                    fw.append(elder)
            elif r < 0.40:
                fp = out_station
                found_by = "British Transport Police"
                if elder and self.chance(0.2):
                    fw.append(elder)
            elif r < 0.60:
                ft = self.pick(
                    [
                        f"stopped by {town} police in the town centre with cash and two phones",
                        f"found in a stairwell in {town}",
                        f"found at a bus shelter in {town}, no money to get home",
                        f"found in a park in {town}",
                    ]
                )
                found_by = f"{town} police"
                if self.chance(0.1):
                    fw.append(self.who(n, controller))
            elif r < 0.67:
                ft = f"arrested in {town} on suspicion of possession with intent to supply"
                found_by = f"{town} police"
            elif r < 0.90:
                fp = c.home
                returned = True
                found_by = "self-returned"
            elif r < 0.96:
                fp = local_station
                found_by = "British Transport Police"
            else:
                fp = base_home
                base_used = True
                found_by = "police"
                fw.append(self.who(n, controller))
            disclosures = None
            if self.chance(0.25):
                disclosures = [self.pick(CL_DISCLOSURES).format(town=town)]
            circ = self.pick(CL_CIRCUMSTANCES).format(town=town)
            ep = self.add_episode(
                c,
                t,
                hours,
                last_seen_place=lsp,
                found_place=fp,
                found_text=ft,
                returned=returned,
                found_with=[self.choose_record(x) for x in together] + fw,
                found_by=found_by,
                circumstances=circ,
                grade_w=(0, 3, 55, 42),
                harmed=0.07,
                disclosures=disclosures,
            )
            if ep is None:
                continue
            found_at = datetime.fromisoformat(ep["found_at"]) if "found_at" in ep else None
            for x in together:
                self.add_episode(
                    x,
                    t + timedelta(minutes=rng.randint(-90, 30)),
                    hours,
                    last_seen_place=x.home if self.chance(0.6) else lsp,
                    found_place=x.home if returned else fp,
                    found_text=None if fp else ft,
                    returned=returned,
                    found_with=[self.choose_record(c), *fw],
                    found_by=found_by,
                    circumstances=circ,
                    grade_w=(0, 3, 55, 42),
                    harmed=0.07,
                    force_found_at=found_at,
                )
            if found_at and not returned and work_phones and self.chance(0.5):
                ph = phase_phone(t)
                self.link(
                    ep["person"],
                    "phone",
                    ph,
                    "uses_phone",
                    source={"episode": ep["id"]},
                    at=found_at,
                )
            if found_at and self.chance(0.12):
                at = t + (found_at - t) * rng.uniform(0.1, 0.6)
                cid = self.call(
                    at,
                    f"Rail staff report two teenage boys travelling during school "
                    f"hours towards {town}, no luggage, one on two phones.",
                    caller="rail staff",
                    place=local_station,
                    outcome="BTP informed",
                )
                self.link(
                    ep["person"], "place", local_station, "seen_at", source={"call": cid}, at=at
                )
            if vehicle and found_at and self.chance(0.08):
                at = t + (found_at - t) * rng.uniform(0.1, 0.9)
                cid = self.call(
                    at,
                    f"Vehicle stopped on the A-road towards {town}; adult driver "
                    "and a teenage passenger reported missing.",
                    caller="roads policing",
                    text=f"A-road near {town}",
                    outcome="passenger safeguarded",
                )
                self.link(
                    ep["person"], "vehicle", vehicle, "in_vehicle", source={"call": cid}, at=at
                )
                self.link(controller, "vehicle", vehicle, "in_vehicle", source={"call": cid}, at=at)
        if base_used:
            n["places"].append(base_home)
        # Neighbours' calls about the cuckooed address.
        for trap in traps:
            for _ in range(rng.randint(2, 5)):
                at = window[0] + (window[1] - window[0]) * rng.uniform(0.15, 1.0)
                self.call(
                    self.evening_time(at),
                    self.pick(TRAP_CALLS),
                    caller="neighbour",
                    place=trap,
                    outcome="intelligence submitted",
                )
        # Intelligence: children linked to the adults.
        for c in kids:
            if self.chance(0.5):
                at = n["joined"][c.id] + timedelta(days=rng.randint(20, 120))
                if at < window[1] + 60 * DAY:
                    self.link(
                        c.id,
                        "person",
                        self.pick([controller] + ([elder] if elder else [])),
                        "associate",
                        source="intelligence report",
                        at=at,
                    )

    def new_vehicle(self, hire: bool = False) -> str:
        vid = self.nid("v")
        # Registrations with a Q in the random letters, which are never issued.
        reg = (
            f"{self.pick('ABCDEFGHKLMNOPRSVWY')}{self.pick('ABCDEFGHJKLMNOPRSTUVWXY')}"
            f"{self.rng.randint(10, 24) if self.chance(0.5) else self.rng.randint(60, 74)} "
            f"Q{self.pick('ABCDEFGHJKLMNOPRSTUVWXYZ')}{self.pick('ABCDEFGHJKLMNOPRSTUVWXYZ')}"
        )
        make = self.pick(
            [
                "Vauxhall Corsa",
                "Ford Focus",
                "VW Golf",
                "Toyota Prius",
                "BMW 1 Series",
                "Audi A3",
                "Mercedes C-Class",
                "Nissan Qashqai",
                "Skoda Octavia",
                "Ford Fiesta",
                "Peugeot 208",
                "Kia Sportage",
            ]
        )
        rec = {
            "kind": "vehicle",
            "id": vid,
            "registration": reg,
            "make": make,
            "colour": self.pick(["black", "silver", "white", "grey", "blue", "red"]),
        }
        self.vehicles[vid] = rec
        return vid

    # ---------------------------------------------------------------- CSE

    def plant_cse(self, idx: int) -> None:
        """Group-based sexual exploitation: older men, a takeaway where girls are given food,
        alcohol and lifts, cars picking girls up near children's homes, a flat, a guest house
        or hotel used repeatedly, sometimes girls taken to other towns (Jay 2014, Rotherham;
        Rochdale / Operation Span review 2024; Oxfordshire SCR 2015, Bullfinch; Operation
        Makesafe hotel indicators)."""
        rng = self.rng
        window = self.network_window(240, 600)
        n = self._net("cse", idx, window)
        b = self.pick(BOROUGHS)[0]
        takeaway = self.new_place(
            "fast_food",
            name=f"{self.pick(['Royal', 'Star', 'Golden', 'Prince', 'Express'])} "
            f"{self.pick(['Pizza & Kebab', 'Takeaway', 'Chicken & Pizza', 'Grill'])}, "
            f"{self.pick(STREETS)} {self.pick(STREET_KINDS)}",
            borough=b,
        )
        flat = self.new_place("home", borough=b, flat=True)
        guest_house = self.new_place(
            "hotel",
            name=f"{self.pick(['The Anchor', 'Seaview', 'Park View', 'Cumberland', 'Albany'])} "
            f"{self.pick(['Guest House', 'Hotel', 'Lodge'])}",
            borough=self.near_borough(b),
        )
        n["places"] = [takeaway, flat, guest_house]
        out_hotel = None
        if self.chance(0.5):
            town = self.pick(OUT_TOWNS)[0]
            out_hotel = self.new_place(
                "hotel",
                name=f"{self.pick(['Marina', 'Central', 'Crown'])} Hotel {town}",
                out_town=town,
            )
            n["places"].append(out_hotel)
            n["towns"] = [town]
        boyfriend = self.exploiter(n, age=(18, 22))
        men = [
            self.exploiter(n, age=(24, 46), home=flat if i == 0 else None)
            for i in range(rng.randint(2, 4))
        ]
        worker = men[-1]  # works at the takeaway
        self.link(
            worker,
            "place",
            takeaway,
            "frequents",
            source="licensing visit",
            at=window[0] - timedelta(days=rng.randint(0, 200)),
        )
        self.alias_record(n, self.pick(men))
        cars = [self.new_vehicle()]
        if self.chance(0.5):
            cars.append(self.new_vehicle())
        n["vehicles"] = cars
        drivers = {cars[0]: men[min(1, len(men) - 1)]}
        if len(cars) > 1:
            drivers[cars[1]] = boyfriend
        for car, driver in drivers.items():
            if self.chance(0.7):
                self.link(
                    driver,
                    "vehicle",
                    car,
                    "in_vehicle",
                    source="registered keeper check",
                    at=window[0] - timedelta(days=rng.randint(0, 300)),
                )
        # Victims: mostly girls in residential care, one older girl drawing in younger ones.
        target_homes = [
            h["place"] for h in rng.sample(self.care_homes, min(2, len(self.care_homes)))
        ]
        kids = self.candidates(
            sex_w={"female": 0.95, "male": 0.05},
            age=(12.0, 15.8),
            at=window[0],
            lac_share=0.6,
            n=rng.randint(3, 7),
            prefer_homes=target_homes,
        )
        kids.sort(key=lambda c: c.dob)  # the eldest first: she introduces the others
        self._join(n, kids, window, spread=0.55)
        all_men = [boyfriend, *men]
        for c in kids:
            c.flags |= {
                f
                for f, p in (("cse_risk", 0.7), ("self_harm", 0.2), ("drugs", 0.2))
                if self.chance(p)
            }
            if c.lac or self.chance(0.3):
                self.link(
                    c.id,
                    "place",
                    takeaway,
                    "frequents",
                    source="Philomena profile" if c.lac else "school report",
                    at=n["joined"][c.id] + timedelta(days=rng.randint(10, 90)),
                )
        events: list[tuple[datetime, Child]] = []
        for c in kids:
            t = n["joined"][c.id]
            end = min(window[1], datetime.combine(add_years(c.dob, 18), datetime.min.time()))
            while t < end:
                events.append((t, c))
                # Oxfordshire: six girls reported missing about 450 times in five years.
                t += timedelta(days=rng.gammavariate(2.0, 9.0) + 3)
        events.sort(key=lambda e: e[0])
        for t, c in events:
            t = self.evening_time(t)
            r = rng.random()
            hours = (
                rng.uniform(4, 16)
                if r < 0.6
                else rng.uniform(16, 36)
                if r < 0.85
                else rng.uniform(36, 96)
                if r < 0.97
                else rng.uniform(96, 190)
            )
            ch = self.places[c.home]["borough"]
            r = rng.random()
            lsp = (
                c.home
                if r < 0.55
                else takeaway
                if r < 0.7
                else self.near(self.shops, ch)
                if r < 0.85
                else c.school or c.home
                if r < 0.95
                else self.near(self.parks, ch)
            )
            mates = [
                x
                for x in kids
                if x is not c
                and n["joined"][x.id] <= t
                and self.is_free(x.id, t, t + timedelta(hours=hours))
            ]
            together = (
                rng.sample(mates, min(len(mates), rng.choice([1, 1, 2])))
                if mates and self.chance(0.4)
                else []
            )
            fw: list[str] = []
            fp = ft = None
            returned = False
            found_by = None
            car = None
            r = rng.random()
            if r < 0.40:
                fp = c.home
                returned = True
                found_by = "self-returned"
            elif r < 0.48:
                fp = takeaway
                found_by = "police"
                if self.chance(0.4):
                    fw.append(self.who(n, worker))
            elif r < 0.58:
                fp = flat
                found_by = "police"
                fw += [self.who(n, m) for m in rng.sample(all_men, rng.randint(1, 2))]
            elif r < 0.70:
                fp = guest_house
                found_by = "police, called by hotel staff" if self.chance(0.4) else "police"
                if self.chance(0.6):
                    fw.append(self.who(n, self.pick(all_men)))
            elif out_hotel and r < 0.75:
                fp = out_hotel
                found_by = "other force"
                if self.chance(0.6):
                    fw.append(self.who(n, self.pick(men)))
            elif r < 0.81:
                car = self.pick(cars)
                ft = f"in a car stopped by a patrol, {self.pick(STREETS)} Road"
                found_by = "police patrol"
                fw.append(self.who(n, drivers[car]))
            elif r < 0.95:
                fp = self.near(self.parks + self.shops + self.fast_food, ch)
                found_by = self.pick(["police patrol", "care staff", "member of the public"])
            else:
                ft = self.pick(
                    [
                        "walking home alone in the early hours",
                        "at a petrol station",
                        "outside a block of flats, intoxicated",
                    ]
                )
                found_by = "police patrol"
            disclosures = [self.pick(CSE_DISCLOSURES)] if self.chance(0.2) else None
            circ = self.pick(CSE_CIRCUMSTANCES)
            ep = self.add_episode(
                c,
                t,
                hours,
                last_seen_place=lsp,
                found_place=fp,
                found_text=ft,
                returned=returned,
                found_with=[self.choose_record(x) for x in together] + fw,
                found_by=found_by,
                circumstances=circ,
                grade_w=(0, 5, 60, 35),
                harmed=0.08,
                disclosures=disclosures,
            )
            if ep is None:
                continue
            found_at = datetime.fromisoformat(ep["found_at"]) if "found_at" in ep else None
            for x in together:
                self.add_episode(
                    x,
                    t + timedelta(minutes=rng.randint(-30, 30)),
                    hours,
                    last_seen_place=lsp,
                    found_place=x.home if returned else fp,
                    found_text=None if fp else ft,
                    returned=returned,
                    found_with=[self.choose_record(c), *fw],
                    found_by=found_by,
                    circumstances=circ,
                    grade_w=(0, 5, 60, 35),
                    harmed=0.08,
                    force_found_at=found_at,
                )
            if car and found_at:
                self.link(
                    ep["person"],
                    "vehicle",
                    car,
                    "in_vehicle",
                    source={"episode": ep["id"]},
                    at=found_at,
                )
                self.link(
                    drivers[car],
                    "vehicle",
                    car,
                    "in_vehicle",
                    source={"episode": ep["id"]},
                    at=found_at,
                )
            # Staff see a girl picked up by car outside the home (Jay: reports of children
            # being picked up by taxi drivers at children's homes).
            if c.lac and lsp == c.home and self.chance(0.2):
                car2 = self.pick(cars)
                reg = self.vehicles[car2]["registration"]
                cid = self.call(
                    t + timedelta(minutes=rng.randint(2, 30)),
                    f"Staff saw the young person get into a "
                    f"{self.vehicles[car2]['colour']} {self.vehicles[car2]['make']} "
                    f"{reg} driven by an older man outside the home.",
                    caller="residential care worker",
                    place=c.home,
                    outcome="vehicle circulated",
                )
                self.link(ep["person"], "vehicle", car2, "in_vehicle", source={"call": cid}, at=t)
            if found_at and self.chance(0.08):
                at = t + (found_at - t) * rng.uniform(0.2, 0.7)
                man = self.pick(all_men)
                cid = self.call(
                    at,
                    "Hotel night manager reports a local man paying cash for a "
                    "room, two teenage girls went up with him, no luggage.",
                    caller="hotel staff (Operation Makesafe)",
                    place=guest_house,
                    outcome="officers attended",
                )
                self.link(
                    ep["person"], "place", guest_house, "seen_at", source={"call": cid}, at=at
                )
                self.link(ep["person"], "person", man, "associate", source={"call": cid}, at=at)
        # A youth project passes names and car registrations to police (Jay 2014).
        at = window[0] + (window[1] - window[0]) * rng.uniform(0.3, 0.7)
        for c in kids:
            if self.chance(0.6):
                self.link(
                    c.id,
                    "person",
                    self.pick(all_men),
                    "associate",
                    source="youth project report",
                    at=at,
                )
                if self.chance(0.4):
                    self.link(
                        c.id,
                        "vehicle",
                        self.pick(cars),
                        "in_vehicle",
                        source="youth project report",
                        at=at,
                    )
            if self.chance(0.3):
                # A man's number saved in the girl's phone, seen by carers or a worker.
                man = self.pick(all_men)
                nums = self.persons[man].get("phones")
                if nums:
                    num = nums[0].replace(" ", "")
                    num = "0" + num[3:] if num.startswith("+44") else num
                    self.link(
                        c.id,
                        "phone",
                        num,
                        "associate",
                        source="number saved in the young person's phone",
                        at=n["joined"][c.id] + timedelta(days=rng.randint(15, 150)),
                    )
                    if num not in n["phones"]:
                        n["phones"].append(num)

    # ---------------------------------------------------------------- peer-on-peer

    def plant_peer(self, idx: int) -> None:
        """A group of children drawn in by a young adult a little older than them (peer-on-peer
        and extra-familial exploitation: older teenagers grooming and recruiting younger ones,
        mixing criminal and sexual exploitation; Counting Lives 2019, contextual safeguarding
        practice guidance)."""
        rng = self.rng
        window = self.network_window(200, 500)
        n = self._net("peer", idx, window)
        b = self.pick(BOROUGHS)[0]
        flat_type = "hostel" if self.chance(0.3) else "home"
        flat = (
            self.new_place(
                "hostel", name=f"{self.pick(STREETS)} House (supported flats)", borough=b
            )
            if flat_type == "hostel"
            else self.new_place("home", borough=b, flat=True)
        )
        centre = self.exploiter(n, age=(18, 20), home=flat)
        second = self.exploiter(n, age=(19, 22)) if self.chance(0.4) else None
        self.alias_record(n, centre)
        n["places"] = [flat]
        adults = [centre] + ([second] if second else [])
        seed_school = self.near(self.schools, b, 0.9)
        kids = self.candidates(
            sex_w={"male": 0.6, "female": 0.4},
            age=(12.8, 16.5),
            at=window[0],
            lac_share=0.2,
            n=rng.randint(5, 9),
            prefer_schools=[seed_school],
        )
        kids.sort(key=lambda c: c.dob)
        if kids:
            n["lieutenant"] = kids[0].id  # the eldest child draws in the younger ones
        self._join(n, kids, window, spread=0.5)
        for c in kids:
            c.flags |= {
                f
                for f, p in (
                    ("cce_risk", 0.35),
                    ("cse_risk", 0.3 if c.sex == "female" else 0.05),
                    ("drugs", 0.2),
                )
                if self.chance(p)
            }
        hang = [self.near(self.parks, b, 0.9), self.near(self.fast_food, b, 0.9)]
        t = window[0] + timedelta(days=rng.uniform(0, 10))
        while t < window[1]:
            present = [c for c in kids if n["joined"][c.id] <= t]
            if present:
                size = min(len(present), rng.choice([1, 2, 2, 3, 3, 4]))
                group = rng.sample(present, size)
                self.peer_event(n, group, self.evening_time(t), flat, hang, adults, b)
            t += timedelta(days=rng.gammavariate(2.0, 4.5) + 1)
        for _ in range(rng.randint(2, 5)):
            at = window[0] + (window[1] - window[0]) * rng.uniform(0.2, 1.0)
            self.call(
                self.evening_time(at),
                self.pick(PEER_CALLS),
                caller="neighbour",
                place=flat,
                outcome="patrol attended",
            )
        at = window[0] + (window[1] - window[0]) * rng.uniform(0.3, 0.8)
        for c in kids:
            if self.chance(0.4):
                self.link(
                    c.id,
                    "person",
                    centre,
                    "associate",
                    source=self.pick(
                        [
                            "school safeguarding referral",
                            "youth worker report",
                            "intelligence report",
                        ]
                    ),
                    at=at,
                )

    def peer_event(
        self,
        n: dict,
        group: list[Child],
        t: datetime,
        flat: str,
        hang: list[str],
        adults: list[str],
        b: str,
    ) -> None:
        rng = self.rng
        r = rng.random()
        hours = (
            rng.uniform(5, 20)
            if r < 0.7
            else rng.uniform(20, 48)
            if r < 0.95
            else rng.uniform(48, 120)
        )
        group = [c for c in group if self.is_free(c.id, t - HOUR, t + timedelta(hours=hours + 1))]
        if not group:
            return
        r = rng.random()
        fw_adults: list[str] = []
        fp = ft = None
        returned = False
        found_by = None
        if r < 0.25:
            fp = flat
            found_by = "police"
            if self.chance(0.7):
                fw_adults.append(self.who(n, adults[0]))
            if len(adults) > 1 and self.chance(0.4):
                fw_adults.append(adults[1])
        elif r < 0.45:
            fp = hang[0]
            found_by = "police patrol"
            if self.chance(0.3):
                fw_adults.append(self.who(n, adults[0]))
        elif r < 0.57:
            fp = hang[1]
            found_by = "police patrol"
            if self.chance(0.25):
                fw_adults.append(self.who(n, self.pick(adults)))
        elif r < 0.65:
            fp = self.near(self.shops, b, 0.8)
            found_by = "security staff"
        elif r < 0.80:
            ft = self.pick(
                [
                    "in the stairwell of a tower block",
                    "in a car park",
                    "at the back of the parade of shops",
                    "on the estate",
                ]
            )
            found_by = "police patrol"
            if self.chance(0.3):
                fw_adults.append(self.who(n, adults[0]))
        else:
            returned = True
            found_by = "self-returned"
        circ = self.pick(PEER_CIRCUMSTANCES)
        found_at = None
        for _i, c in enumerate(group):
            others = [self.choose_record(x) for x in group if x is not c]
            lsp = (
                c.home
                if self.chance(0.55)
                else (c.school or c.home)
                if self.chance(0.4)
                else self.pick(hang)
            )
            disclosures = [self.pick(PEER_DISCLOSURES)] if self.chance(0.15) else None
            ep = self.add_episode(
                c,
                t + timedelta(minutes=rng.randint(-60, 60)),
                hours,
                last_seen_place=lsp,
                found_place=c.home if returned else fp,
                found_text=None if fp or returned else ft,
                returned=returned,
                found_with=others + fw_adults,
                found_by=found_by,
                circumstances=circ,
                grade_w=(0, 8, 70, 22),
                harmed=0.05,
                disclosures=disclosures,
                force_found_at=found_at,
            )
            if ep and found_at is None and "found_at" in ep:
                found_at = datetime.fromisoformat(ep["found_at"])

    # ================================================================ adults who go missing

    def adult_missing(self) -> None:
        """Adults reported missing (mental health, dementia, crises).  They are found at
        hospitals, stations, parks and hotels too, which a place-based detector must live with."""
        rng = self.rng
        target = round(self.adult_share * sum(self.child_episode_counts.values()))
        made = 0
        while made < target:
            b = self.pick(BOROUGHS)[0]
            home = self.new_place("home", borough=b, flat=self.chance(0.4))
            dementia = self.chance(0.12)
            age = (70, 92) if dementia else (18, 65)
            flags = ["dementia"] if dementia else (["mental_health"] if self.chance(0.6) else [])
            if not dementia and self.chance(0.25):
                flags.append("self_harm")
            pid = self.new_adult(
                age=age, home=home, dob_known=0.9, phone="landline", flags=flags or None
            )
            k = rng.choices([1, 2, 3, 5, 9], weights=[70, 15, 7, 5, 3])[0]
            for _ in range(k):
                if made >= target:
                    break
                t = self.evening_time(self.start + (self.end - self.start) * rng.random())
                t = safe_time(t)
                hours = min(300, rng.lognormvariate(math.log(8), 1.0) + 0.5)
                if not self.is_free(pid, t, t + timedelta(hours=hours)):
                    continue
                found = safe_time(t + timedelta(hours=hours))
                rep = safe_time(t + timedelta(hours=min(hours * 0.5, rng.uniform(0.5, 6))))
                if rep >= self.end:
                    continue
                self.reserve(pid, t, min(found, self.end))
                lsp = self.pick(self.mh_units + self.hospitals) if self.chance(0.18) else home
                ep: dict[str, Any] = {
                    "kind": "episode",
                    "id": self.nid("e"),
                    "person": pid,
                    "reported_at": iso(rep),
                    "last_seen_at": iso(t),
                    "last_seen_place": lsp,
                    "risk_grade": self.grade((5, 25, 50, 20)),
                    "reported_by": {
                        "name": "family member",
                        "relationship": self.pick(
                            ["partner", "son", "daughter", "ward staff", "friend"]
                        ),
                    },
                }
                if found > self.end:
                    ep["outcome"] = "ongoing"
                else:
                    if found <= rep:
                        found = rep + timedelta(minutes=30)
                    ep["found_at"] = iso(found)
                    r = rng.random()
                    if r < 0.35:
                        ep["found_place"], ep["outcome"] = home, "returned"
                    elif r < 0.52:
                        ep["found_place"], ep["outcome"] = self.pick(self.hospitals), "found_safe"
                    elif r < 0.64:
                        ep["found_place"], ep["outcome"] = self.pick(self.parks), "found_safe"
                    elif r < 0.74:
                        ep["found_place"], ep["outcome"] = (
                            self.pick([p for v in self.stations.values() for p in v]),
                            "found_safe",
                        )
                    elif r < 0.84:
                        ep["found_place"], ep["outcome"] = self.pick(self.hotels), "found_safe"
                    else:
                        ep["found_text"] = self.pick(
                            ["on a bridge", "in woodland", "walking on the bypass", "at a beach"]
                        )
                        ep["outcome"] = "found_harmed" if self.chance(0.15) else "found_safe"
                self.episodes.append(ep)
                self.adult_episode_count += 1
                made += 1

    # ================================================================ background calls

    def background_calls(self) -> None:
        rng = self.rng
        n = round(0.12 * len(self.episodes))
        for _ in range(n):
            at = self.evening_time(self.start + (self.end - self.start) * rng.random())
            p = self.pick(self.busy_in_force + self.hotels)
            narrative = self.pick(BACKGROUND_CALLS)
            cid = self.call(
                at,
                narrative,
                caller=self.pick(
                    [
                        "member of the public",
                        "security staff",
                        "shop manager",
                        "school",
                        "hotel reception",
                    ]
                ),
                place=p,
                outcome=self.pick(["advice given", "patrol attended", "no trace", "logged"]),
            )
            if self.chance(0.3):
                c = self.pick(self.children)
                if 11 <= age_at(c.dob, at) < 18:
                    self.link(
                        self.choose_record(c), "place", p, "seen_at", source={"call": cid}, at=at
                    )

    # ================================================================ duplicates

    def finish_duplicates(self) -> None:
        """Duplicate records of the same child, with spelling variants and missing or partial
        dates of birth; some of the child's episodes and companions then name the duplicate."""
        missing = [c for c in self.children if c.episodes > 0]
        dups: dict[str, list[str]] = {}
        for c in missing:
            n_dup = 0
            if self.chance(0.065 + (0.04 if c.episodes > 5 else 0)):
                n_dup = 2 if self.chance(0.15) else 1
            for _ in range(n_dup):
                d = self.duplicate_of(c)
                c.records.append(d)
                dups.setdefault(c.id, []).append(d)
        if not dups:
            return
        # Re-point a share of existing references to the duplicates.
        for ep in self.episodes:
            pid = ep["person"]
            if pid in dups and self.chance(0.4):
                ep["person"] = self.pick(dups[pid])
            if "found_with" in ep:
                fw = []
                for f in ep["found_with"]:
                    if f in dups and self.chance(0.35):
                        f = self.pick(dups[f])
                    fw.append(f)
                fw = [
                    f
                    for f in dict.fromkeys(fw)
                    if self.identity.get(f) != self.identity.get(ep["person"])
                ]
                if fw:
                    ep["found_with"] = fw
                else:
                    del ep["found_with"]
        by_episode = {ep["id"]: ep["person"] for ep in self.episodes}
        for a in self.assocs:
            src = a.get("source")
            if isinstance(src, dict) and "episode" in src:
                a["subject"] = by_episode.get(src["episode"], a["subject"])
            elif a["subject"] in dups and self.chance(0.25):
                a["subject"] = self.pick(dups[a["subject"]])

    def duplicate_of(self, c: Child) -> str:
        rng = self.rng
        base = self.persons[c.id]
        given = base.get("given_name", "")
        fam = base.get("family_name", "")
        r = rng.random()
        if given in VARIANTS and r < 0.6:
            given = self.pick(VARIANTS[given])
        elif r < 0.8:
            given = self.typo(given)
        if self.chance(0.3):
            fam = self.typo(fam)
        elif self.chance(0.08) and c.family.parents:
            other = self.persons[c.family.parents[-1]].get("family_name")
            if other and other != fam:
                fam = f"{fam}-{other}" if self.chance(0.5) else other
        r = rng.random()
        dob: str | None
        d = c.dob
        if r < 0.35:
            dob = None
        elif r < 0.45:
            dob = str(d.year)
        elif r < 0.55:
            dob = f"{d.year}-{d.month:02d}"
        elif r < 0.65 and d.day <= 12 and d.day != d.month:
            dob = f"{d.year}-{d.day:02d}-{d.month:02d}"
        elif r < 0.7:
            dob = (d + timedelta(days=self.pick([-1, 1]))).isoformat()
        else:
            dob = d.isoformat()
        home = c.home if self.chance(0.55) else None
        pid = self.new_person(
            given=given,
            family=fam,
            sex=c.sex if self.chance(0.9) else "unknown",
            dob=dob,
            eth=c.eth,
            home=home,
            looked_after=True if c.lac and self.chance(0.6) else None,
        )
        self.identity[pid] = c.id
        return pid

    def typo(self, s: str) -> str:
        if len(s) < 4:
            return s
        rng = self.rng
        i = rng.randrange(1, len(s) - 1)
        r = rng.random()
        if r < 0.3:
            return s[:i] + s[i + 1] + s[i] + s[i + 2 :]  # swap
        if r < 0.55:
            return s[:i] + s[i + 1 :]  # drop
        if r < 0.8:
            return s[:i] + s[i] + s[i:]  # double
        vowels = "aeiou"
        if s[i].lower() in vowels:
            return s[:i] + self.pick([v for v in vowels if v != s[i].lower()]) + s[i + 1 :]
        return s[:i] + s[i] + s[i:]

    # ================================================================ decoys

    def build_decoys(self) -> None:
        def ids(people: list[str]) -> list[str]:
            want = set(people)
            return [p for p in self.persons if self.identity[p] in want]

        def kids(cs: list[Child]) -> list[str]:
            return [c.id for c in cs if c.episodes > 0]

        for h in self.care_homes:
            self.decoys.append(
                {
                    "type": "care_home_staff",
                    "adults": ids(h["staff"]),
                    "place": None,
                    "children": kids(h["children"]),
                    "placement": h["place"],
                }
            )
            self.decoys.append(
                {
                    "type": "care_home",
                    "adults": [],
                    "place": h["place"],
                    "children": kids(h["children"]),
                }
            )
        for h in self.hostels:
            self.decoys.append(
                {
                    "type": "care_home_staff",
                    "adults": ids(h["staff"]),
                    "place": None,
                    "children": kids(h["children"]),
                    "placement": h["place"],
                    "setting": "supported accommodation",
                }
            )
            self.decoys.append(
                {
                    "type": "supported_accommodation",
                    "adults": [],
                    "place": h["place"],
                    "children": kids(h["children"]),
                }
            )
        for h in self.foster_homes:
            if len(h["children"]) >= 2 or any(c.episodes >= 3 for c in h["children"]):
                self.decoys.append(
                    {
                        "type": "foster_carer",
                        "adults": ids(h["staff"]),
                        "place": h["place"],
                        "children": kids(h["children"]),
                    }
                )
        for sw in self.social_workers:
            if sw["children"]:
                self.decoys.append(
                    {
                        "type": "social_worker",
                        "adults": ids([sw["id"]]),
                        "place": None,
                        "children": kids(sw["children"]),
                    }
                )
        for fam in self.families:
            missing = [c for c in fam.children if c.episodes > 0 and c.network is None]
            if len(missing) >= 2 and fam.parents:
                self.decoys.append(
                    {
                        "type": "parents_of_siblings",
                        "adults": ids(fam.parents),
                        "place": fam.home,
                        "children": kids(missing),
                    }
                )
            for pid, pl, rel in fam.adults:
                if any(c.episodes > 0 for c in fam.children):
                    self.decoys.append(
                        {
                            "type": {
                                "older_sibling": "older_sibling",
                                "cousin": "cousin",
                                "father_elsewhere": "parent_out_of_area",
                                "grandparent": "grandparent",
                            }[rel],
                            "adults": ids([pid]),
                            "place": pl,
                            "children": kids(fam.children),
                        }
                    )
        for g in self.groups:
            h = g["host"]
            if h is not None and any(m.episodes > 0 for m in g["members"]):
                self.decoys.append(
                    {
                        "type": "friends_house_parent",
                        "adults": ids(h.family.parents),
                        "place": h.family.home,
                        "children": kids(g["members"]),
                    }
                )
        for tx in self.taxis:
            self.decoys.append(
                {
                    "type": "contracted_taxi",
                    "adults": ids([tx["driver"]]),
                    "place": None,
                    "vehicle": tx["vehicle"],
                    "children": sorted(tx["children"]),
                }
            )
        for sp in self.shared_phones:
            self.decoys.append({**sp, "adults": ids(sp["adults"])})
        for h in self.care_homes:
            if h.get("phone_children"):
                self.decoys.append(
                    {
                        "type": "care_home_phone",
                        "adults": [],
                        "place": h["place"],
                        "phone": h["phone"],
                        "children": h["phone_children"],
                    }
                )
        cats = {}
        for p in self.schools:
            cats[p] = "school"
        for v in self.stations.values():
            for p in v:
                cats[p] = "station"
        for p in self.fast_food:
            cats[p] = "fast_food"
        for p in self.parks:
            cats[p] = "park"
        for p in self.shops:
            cats[p] = "shopping_centre"
        for p in self.hospitals:
            cats[p] = "hospital"
        planted_places = {p for n in self.networks for p in n["places"]}
        for _town, p in self.out_stations.items():
            if p not in planted_places:
                cats[p] = "station_out_of_area"
        for p, cat in cats.items():
            self.decoys.append({"type": "busy_place", "category": cat, "adults": [], "place": p})
        for p in self.hotels:
            self.decoys.append({"type": "ordinary_hotel", "adults": [], "place": p})
        for _town, hs in self.out_hotels.items():
            for p in hs:
                if p not in planted_places:
                    self.decoys.append({"type": "ordinary_hotel", "adults": [], "place": p})
        for i, d in enumerate(self.decoys):
            d["id"] = f"decoy-{i + 1}"

    # ================================================================ output

    def write(self, out: Path) -> dict[str, Any]:
        out.mkdir(parents=True, exist_ok=True)
        files = [
            ("1-places.jsonl", list(self.places.values())),
            ("2-vehicles.jsonl", list(self.vehicles.values())),
            ("3-persons.jsonl", list(self.persons.values())),
            ("4-episodes.jsonl", sorted(self.episodes, key=lambda e: e["reported_at"])),
            ("5-calls.jsonl", sorted(self.calls, key=lambda c: c["received_at"])),
            ("6-associations.jsonl", self.assocs),
        ]
        for c in self.children:
            if c.flags:
                self.persons[c.id]["flags"] = sorted(c.flags)
        for name, rows in files:
            with (out / name).open("w", encoding="utf-8") as f:
                for r in rows:
                    f.write(json.dumps(r, ensure_ascii=False) + "\n")
        truth = self.truth()
        (out / "truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n")
        return truth

    def linked(self, kids: list[str]) -> tuple[set[str], set[str]]:
        """Persons and places the records show next to these children: companions on their
        episodes, their direct links, and adults linked to the same vehicle, phone or place."""
        canon = set(kids)
        recs = {p for p, c in self.identity.items() if c in canon}
        people: set[str] = set()
        places: set[str] = set()
        objects: set[tuple[str, str]] = set()
        for ep in self.episodes:
            if ep["person"] in recs:
                people.update(ep.get("found_with", []))
                for k in ("last_seen_place", "found_place"):
                    if k in ep:
                        places.add(ep[k])
                        objects.add(("place", ep[k]))
            elif recs & set(ep.get("found_with", [])):
                people.add(ep["person"])
        for a in self.assocs:
            ((otype, obj),) = a["object"].items()
            if a["subject"] in recs:
                if otype == "person":
                    people.add(obj)
                else:
                    objects.add((otype, obj))
                    if otype == "place":
                        places.add(obj)
            elif otype == "person" and obj in recs:
                people.add(a["subject"])
        for a in self.assocs:
            ((otype, obj),) = a["object"].items()
            if otype != "person" and (otype, obj) in objects:
                people.add(a["subject"])
        return people, places

    def truth(self) -> dict[str, Any]:
        networks = []
        for n in self.networks:
            kids = [c for c in n["children"] if self.child_episode_counts.get(c, 0) > 0]
            people, places = self.linked(kids)
            networks.append(
                {
                    "id": n["id"],
                    "type": n["type"],
                    "county_lines": n["county_lines"],
                    "adults": [a for a in n["adults"] if a in people],
                    "places": [p for p in n["places"] if p in places],
                    "children": kids,
                    "adults_unlinked": [a for a in n["adults"] if a not in people],
                    "places_unlinked": [p for p in n["places"] if p not in places],
                    "vehicles": n["vehicles"],
                    "phones": [p for p in n["phones"] if p],
                    "other_adults": n["other_adults"],
                    "towns": n.get("towns", []),
                    "lieutenant": n.get("lieutenant"),
                    "alias_records": n["alias_records"],
                    "start": n["start"],
                    "end": n["end"],
                    "joined": {k: iso(v) for k, v in n["joined"].items()},
                    "episodes": sum(self.child_episode_counts.get(c, 0) for c in kids),
                }
            )
        counts = {
            "place": len(self.places),
            "vehicle": len(self.vehicles),
            "person": len(self.persons),
            "episode": len(self.episodes),
            "call": len(self.calls),
            "association": len(self.assocs),
        }
        per_child = sorted((v for v in self.child_episode_counts.values() if v > 0), reverse=True)
        total = sum(per_child)
        top = per_child[: max(1, round(0.06 * len(per_child)))]
        child_eps = Counter()
        for c in self.children:
            child_eps[c.id] = self.child_episode_counts.get(c.id, 0)
        stats = {
            "children": len(self.children),
            "children_missing": len(per_child),
            "child_episodes": total,
            "adult_episodes": self.adult_episode_count,
            "episodes_per_missing_child": round(total / max(1, len(per_child)), 2),
            "repeat_share_of_child_episodes": round(1 - len(per_child) / max(1, total), 3),
            "share_of_child_episodes_by_top_6pct": round(sum(top) / max(1, total), 3),
            "looked_after_children": sum(1 for c in self.children if c.lac),
            "care_homes": len(self.care_homes),
            "foster_homes": len(self.foster_homes),
            "duplicate_person_records": sum(1 for k, v in self.identity.items() if k != v),
            "network_children": sum(len(n["children"]) for n in networks),
            "networks_by_type": dict(Counter(n["type"] for n in networks)),
            "decoys_by_type": dict(sorted(Counter(d["type"] for d in self.decoys).items())),
        }
        return {
            "generator": "benchmarks/network/independent/generate.py",
            "seed": self.seed,
            "period": {"start": iso(self.start), "end": iso(self.end)},
            "counts": counts,
            "stats": stats,
            "networks": networks,
            "decoys": self.decoys,
            "identities": dict(self.identity),
            "child_episode_counts": dict(child_eps),
        }


# --------------------------------------------------------------------------------------------
# Free text.  Short, invented, written for this generator.
# --------------------------------------------------------------------------------------------

STREET_NAMES = [
    "Tiny",
    "Smokes",
    "Ghost",
    "Biggz",
    "Flex",
    "Rocky",
    "Jay",
    "Skinny",
    "K",
    "Uncle",
    "Bossman",
    "Ace",
    "Dee",
    "Milo",
    "Spider",
    "Chops",
    "Z",
    "Scrappy",
]

CIRCUMSTANCES = [
    "Argument at home about phone use; left and did not return by curfew.",
    "Did not return from school; friends say was going to the shopping centre.",
    "Left after being told off; has gone missing before and returned the next morning.",
    "Went out to meet friends and did not come back; phone switched off.",
    "Upset after contact with birth family; left placement on foot.",
    "Told carers she was staying at a friend's; friend's parent says she is not there.",
    "Missed curfew; last seen with a group of friends near the park.",
    "Left the house during the night; bed found empty in the morning.",
    "Absconded from school at lunchtime with two friends.",
    "Stormed out after falling out with a sibling; believed to be with friends.",
]
PI_TEXTS = [
    "Safe and well check completed; says was with friends and lost track of time.",
    "Seen in person; no injuries; says needed space after an argument.",
    "Safe and well check; would not say where had been; no visible injuries.",
    "Spoke with officer; stayed at a friend's house; parent present.",
]
RHI_TEXTS = [
    "Return interview held; talked about arguments at home and friendships at school.",
    "Return interview held; says felt bored in placement and wanted to see friends.",
    "Return interview held; engaged briefly; agreed a plan to text carers if staying out.",
    "Return interview held at school; worries about exams and falling out with friends.",
]
CL_CIRCUMSTANCES = [
    "Left home after receiving several calls; has been found in {town} before.",
    "Did not return from college; carers found a train ticket to {town} in his room.",
    "Has new clothes and cash he cannot explain; left with a bag and did not return.",
    "Left placement late at night after a call on a phone carers had not seen before.",
    "Missing after school; friends say he has gone 'country'.",
]
CL_DISCLOSURES = [
    "Said he was 'working' for older boys to pay off a debt.",
    "Has a second phone he will not explain.",
    "Talked about staying at a flat in {town} with a man he did not know.",
    "Said he was told to hold a package and would be hurt if he lost it.",
    "Said he travelled by train to {town} and was collected at the station.",
]
TRAP_CALLS = [
    "Neighbour reports lots of young people coming and going from the flat at all hours; the "
    "tenant, a vulnerable man, has not been seen for days.",
    "Caller says the flat downstairs has been taken over; teenagers with London accents, cars "
    "pulling up for a few minutes at a time.",
    "Report of shouting and a door being kicked at the flat; youths seen leaving with bags.",
    "Caller concerned for the vulnerable tenant; strangers staying at the property.",
]
CSE_CIRCUMSTANCES = [
    "Left the home in the evening; staff believe she was picked up by car around the corner.",
    "Went out saying she was meeting her boyfriend; returned intoxicated on previous occasions.",
    "Did not return after going to the takeaway on the parade; phone off.",
    "Left with another young person from the home; both have older 'friends' with cars.",
    "Missing overnight again; came back last time with new clothes and a phone.",
]
CSE_DISCLOSURES = [
    "Has an older 'boyfriend' who picks her up in his car and buys her alcohol.",
    "Said she stayed at a flat where older men gave her drinks and cannabis.",
    "Mentioned staying at a guest house with friends and some older men.",
    "Said the men at the takeaway give her free food and lifts.",
    "Was given a new phone and clothes by a man she met through a friend.",
]
PEER_CIRCUMSTANCES = [
    "Went out with friends from school; believed to be at an older boy's flat.",
    "Left after school with a group; has been seen with an older lad on a moped.",
    "Did not return home; friends say everyone hangs out at a flat on the estate.",
    "Missing with two friends again; parents worried about an older friend giving them money.",
]
PEER_DISCLOSURES = [
    "Said an older friend gives them weed and money for running errands.",
    "Said they have to 'do favours' for an older boy or they will be in trouble.",
    "Talked about staying up all night at an older friend's flat with others from school.",
]
PEER_CALLS = [
    "Group of youths going in and out of a flat, strong smell of cannabis, an older male "
    "seems to be in charge.",
    "Caller reports school-age children at the flat late on a school night.",
    "Noise and youths on the landing outside the flat; one looked about 13.",
]
BACKGROUND_CALLS = [
    "Group of youths causing a nuisance, throwing food and shouting.",
    "Shoplifting in progress, two teenagers left towards the bus station.",
    "Concern for a young person sitting alone, appears upset; gone on arrival.",
    "Fight between teenagers, dispersed on police arrival.",
    "Report of an older man talking to school children at the gates.",
    "Lost child reunited with parent.",
    "Anti-social behaviour, youths on bikes.",
    "Concern for welfare of an adult, appears intoxicated.",
]


# --------------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument(
        "--children",
        type=int,
        default=1500,
        help="distinct children in the area's records (default 1500)",
    )
    ap.add_argument("--years", type=float, default=2.0, help="length of the period (default 2)")
    ap.add_argument(
        "--end",
        default="2026-11-27",
        help="last day of the period, YYYY-MM-DD (default 2026-11-27)",
    )
    ap.add_argument(
        "--adult-share",
        type=float,
        default=0.2,
        help="adult missing episodes as a share of child episodes (default 0.2)",
    )
    args = ap.parse_args()
    end = datetime.combine(date.fromisoformat(args.end), datetime.min.time()).replace(
        hour=23, minute=0
    )
    w = World(args.seed, args.children, end, args.years, args.adult_share)
    w.build()
    truth = w.write(args.out)
    s = truth["stats"]
    print(json.dumps({"out": str(args.out), "counts": truth["counts"], "stats": s}, indent=1))


if __name__ == "__main__":
    main()
