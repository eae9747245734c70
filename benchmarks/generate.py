"""Write a deterministic corpus of synthetic news items (~400 words each) for ingest benchmarks."""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Place:
    city: str
    country: str
    region: str


@dataclass(frozen=True)
class Programme:
    name: str
    acronym: str
    implementers: tuple[str, ...]
    funders: tuple[str, ...]
    partners: tuple[str, ...] = ()
    parent: str = ""
    regions: tuple[str, ...] = ()


@dataclass
class Pools:
    programmes: list[Programme]
    international: list[tuple[str, str]]
    places: list[Place]
    national: dict[str, list[str]] = field(default_factory=dict)


PLACES: tuple[Place, ...] = (
    Place("Dakar", "Senegal", "West Africa"),
    Place("Accra", "Ghana", "West Africa"),
    Place("Lomé", "Togo", "West Africa"),
    Place("Abuja", "Nigeria", "West Africa"),
    Place("Lagos", "Nigeria", "West Africa"),
    Place("Praia", "Cabo Verde", "West Africa"),
    Place("Bissau", "Guinea-Bissau", "West Africa"),
    Place("Abidjan", "Côte d'Ivoire", "West Africa"),
    Place("Cotonou", "Benin", "West Africa"),
    Place("Conakry", "Guinea", "West Africa"),
    Place("Freetown", "Sierra Leone", "West Africa"),
    Place("Monrovia", "Liberia", "West Africa"),
    Place("Bamako", "Mali", "West Africa"),
    Place("Niamey", "Niger", "West Africa"),
    Place("Panama City", "Panama", "Central America"),
    Place("San José", "Costa Rica", "Central America"),
    Place("Guatemala City", "Guatemala", "Central America"),
    Place("Tegucigalpa", "Honduras", "Central America"),
    Place("San Salvador", "El Salvador", "Central America"),
    Place("Bogotá", "Colombia", "South America"),
    Place("Cartagena", "Colombia", "South America"),
    Place("Lima", "Peru", "South America"),
    Place("Quito", "Ecuador", "South America"),
    Place("Guayaquil", "Ecuador", "South America"),
    Place("Brasília", "Brazil", "South America"),
    Place("São Paulo", "Brazil", "South America"),
    Place("Buenos Aires", "Argentina", "South America"),
    Place("Santiago", "Chile", "South America"),
    Place("Montevideo", "Uruguay", "South America"),
    Place("Asunción", "Paraguay", "South America"),
    Place("La Paz", "Bolivia", "South America"),
    Place("Santo Domingo", "Dominican Republic", "Caribbean"),
    Place("Kingston", "Jamaica", "Caribbean"),
    Place("Port of Spain", "Trinidad and Tobago", "Caribbean"),
    Place("Bridgetown", "Barbados", "Caribbean"),
    Place("Nassau", "Bahamas", "Caribbean"),
    Place("Port-au-Prince", "Haiti", "Caribbean"),
    Place("Georgetown", "Guyana", "Caribbean"),
    Place("Lisbon", "Portugal", "Europe"),
    Place("Madrid", "Spain", "Europe"),
    Place("Brussels", "Belgium", "Europe"),
    Place("The Hague", "Netherlands", "Europe"),
    Place("Vienna", "Austria", "Europe"),
    Place("Paris", "France", "Europe"),
    Place("Rome", "Italy", "Europe"),
    Place("Lyon", "France", "Europe"),
)

INTERNATIONAL: tuple[tuple[str, str], ...] = (
    ("United Nations Office on Drugs and Crime", "UNODC"),
    ("International Criminal Police Organization", "INTERPOL"),
    ("World Customs Organization", "WCO"),
    ("Transparency International", "TI"),
    ("European Union Agency for Law Enforcement Cooperation", "Europol"),
    ("Maritime Analysis and Operations Centre – Narcotics", "MAOC-N"),
    ("Economic Community of West African States", "ECOWAS"),
    ("Police Community of the Americas", "AMERIPOL"),
    ("Caribbean Community Implementation Agency for Crime and Security", "CARICOM IMPACS"),
    ("Organization of American States", "OAS"),
    ("International and Ibero-American Foundation for Administration and Public Policies", "FIIAPP"),
    ("Expertise France", ""),
    ("European Monitoring Centre for Drugs and Drug Addiction", "EMCDDA"),
    ("European Union", "EU"),
    ("European Commission", ""),
    ("West African Police Chiefs Committee", "WAPCCO"),
)

PROGRAMMES: tuple[Programme, ...] = (
    Programme(
        "Global Cooperation in Criminal Justice on the Cocaine Route",
        "CRIMJUST",
        ("UNODC",),
        ("the European Union",),
        ("INTERPOL", "Transparency International"),
        "EU Cocaine Route Programme",
        ("Latin America", "the Caribbean", "West Africa"),
    ),
    Programme(
        "Airport Communication Project",
        "AIRCOP",
        ("UNODC",),
        ("the European Union", "Canada", "Japan"),
        ("INTERPOL", "the World Customs Organization"),
        "EU Cocaine Route Programme",
        ("West Africa", "Latin America", "the Caribbean"),
    ),
    Programme(
        "Seaport Cooperation Programme",
        "SEACOP",
        ("Expertise France",),
        ("the European Union",),
        ("MAOC-N",),
        "EU Cocaine Route Programme",
        ("West Africa", "Latin America", "the Caribbean"),
    ),
    Programme(
        "UNODC-WCO Container Control Programme",
        "CCP",
        ("UNODC", "the World Customs Organization"),
        ("the European Union", "Germany", "the United States"),
        (),
        "",
        ("Latin America", "West Africa", "the Caribbean"),
    ),
    Programme(
        "Europe Latin America Programme of Assistance against Transnational Organised Crime",
        "EL PAcCTO",
        ("FIIAPP", "Expertise France"),
        ("the European Union",),
        ("AMERIPOL",),
        "",
        ("Latin America", "the Caribbean"),
    ),
    Programme(
        "Cooperation Programme between Latin America, the Caribbean and the European Union on Drugs Policies",
        "COPOLAD",
        ("FIIAPP",),
        ("the European Union",),
        ("EMCDDA",),
        "",
        ("Latin America", "the Caribbean"),
    ),
    Programme(
        "EU Cocaine Route Programme",
        "",
        ("the European Commission",),
        ("the European Union",),
        (),
        "",
        ("Latin America", "the Caribbean", "West Africa"),
    ),
    Programme(
        "West African Police Information System",
        "WAPIS",
        ("INTERPOL",),
        ("the European Union",),
        ("ECOWAS",),
        "",
        ("West Africa",),
    ),
)

NATIONAL_TEMPLATES: tuple[str, ...] = (
    "National Police of {country}",
    "{country} Customs Service",
    "Anti-Narcotics Directorate of {country}",
    "Public Prosecutor's Office of {country}",
    "{country} Financial Intelligence Unit",
    "{country} Coast Guard",
    "National Drug Control Agency of {country}",
)

REAL_NATIONAL: dict[str, tuple[str, ...]] = {
    "Brazil": ("Brazilian Federal Police",),
    "Colombia": ("National Police of Colombia", "Attorney General's Office of Colombia"),
    "Ghana": ("Ghana Narcotics Control Commission", "Ghana Revenue Authority"),
    "Dominican Republic": ("Dominican Republic's National Drug Control Directorate",),
    "Nigeria": ("National Drug Law Enforcement Agency",),
    "Senegal": ("Senegalese National Police",),
    "Peru": ("Anti-Drug Directorate of the Peruvian National Police",),
}

GENERATED_PATTERNS: tuple[str, ...] = (
    "Regional Maritime Task Force {n}",
    "Joint Port Control Unit {n}",
    "Atlantic Interdiction Initiative {n}",
    "Border Integrity Project {n}",
    "Coastal Surveillance Network {n}",
    "Financial Investigation Support Facility {n}",
)

EVENT_TYPES: tuple[str, ...] = (
    "training",
    "workshop",
    "expert meeting",
    "regional conference",
    "joint operation",
    "steering committee meeting",
    "study visit",
    "simulation exercise",
    "high-level dialogue",
)

TOPICS: tuple[str, ...] = (
    "controlled deliveries",
    "container profiling",
    "passenger risk analysis",
    "parallel financial investigations",
    "maritime intelligence",
    "asset recovery",
    "integrity and anti-corruption",
    "international judicial cooperation",
    "the use of advance passenger information",
    "the chain of custody for seized drugs",
    "cryptocurrency tracing",
    "joint investigation teams",
)

FILLER: tuple[str, ...] = (
    "Speakers noted that cocaine production in the Andean region has reached record levels "
    "and that traffickers keep adapting their routes as soon as one of them is disrupted.",
    "Several participants stressed that a seizure is only the beginning of an investigation, "
    "and that the real value lies in identifying the people and the money behind each shipment.",
    "The organisers said that the exercises were built on real cases, with names and details "
    "changed, so that officers could practise decisions they are likely to face at work.",
    "Participants agreed to stay in contact through a network of focal points and to share "
    "alerts through secure channels rather than personal messaging applications.",
    "Officials pointed out that drug use is growing in transit countries, which can no longer "
    "be seen only as places that shipments pass through on their way to Europe.",
    "A closing session reviewed the recommendations of previous meetings and checked which of "
    "them had already been put into practice by the national authorities.",
    "The trainers used a mix of lectures, case studies and practical exercises, and each "
    "session ended with a short test to measure what the participants had learnt.",
    "Delegates also discussed the protection of officers who receive threats or bribe offers, "
    "and how such incidents can be reported safely inside their institutions.",
    "Representatives of the private sector, including port operators and airlines, joined one "
    "session to explain how they can help detect suspicious cargo and passengers.",
    "The meeting was held in a hybrid format, with some delegations joining by video link "
    "from their capitals.",
)


def build_pools(rng: random.Random) -> Pools:
    """Real names plus generated programmes and national bodies, fixed for a given seed."""
    programmes = list(PROGRAMMES)
    numbers = rng.sample(range(1, 400), 60)
    for index, number in enumerate(numbers):
        pattern = GENERATED_PATTERNS[index % len(GENERATED_PATTERNS)]
        name = pattern.format(n=number)
        acronym = "".join(word[0] for word in name.split() if word[0].isupper()) + str(number)
        implementer_name, implementer_acronym = rng.choice(INTERNATIONAL)
        implementer = implementer_acronym or implementer_name
        funders = tuple(
            rng.sample(("the European Union", "Canada", "Japan", "Norway", "Germany", "Spain"), 2)
        )
        parent = rng.choice(("EU Cocaine Route Programme", "", "", ""))
        regions = tuple(rng.sample(("West Africa", "Latin America", "the Caribbean", "Central America"), 2))
        others = [entry for entry in INTERNATIONAL if implementer not in entry]
        partners = tuple(name for name, _ in rng.sample(others, 2))
        programmes.append(Programme(name, acronym, (implementer,), funders, partners, parent, regions))
    national: dict[str, list[str]] = {}
    for place in PLACES:
        bodies = national.setdefault(place.country, list(REAL_NATIONAL.get(place.country, ())))
        for template in rng.sample(NATIONAL_TEMPLATES, 3):
            body = template.format(country=place.country)
            if body not in bodies:
                bodies.append(body)
    return Pools(programmes, list(INTERNATIONAL), list(PLACES), national)


def format_dates(rng: random.Random, year: int) -> str:
    """A date phrase in one of the formats news items use."""
    month = rng.randrange(12)
    day = rng.randint(1, 24)
    end = day + rng.randint(1, 4)
    name = MONTHS[month]
    choices = (
        f"on {day}-{end} {name} {year}",
        f"on {day} and {day + 1} {name} {year}",
        f"from {day}-{end} {name} {year}",
        f"from {day} to {end} {name} {year}",
        f"on {day} {name} {year}",
        f"in {name} {year}",
        f"on {name} {day}, {year}",
        f"on {year}-{month + 1:02d}-{day:02d}",
        f"between {day} and {end} {name} {year}",
    )
    return rng.choice(choices)


def name_with_acronym(programme: Programme, first: bool) -> str:
    if first and programme.acronym:
        return f"the {programme.name} ({programme.acronym})"
    return programme.acronym or f"the {programme.name}"


def indefinite(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def event_paragraph(rng: random.Random, pools: Pools, programme: Programme, year: int) -> tuple[str, str]:
    """One event: returns (title fragment, paragraph)."""
    place = rng.choice(pools.places)
    kind = rng.choice(EVENT_TYPES)
    topic = rng.choice(TOPICS)
    when = format_dates(rng, year)
    organiser = rng.choice((programme.implementers[0], name_with_acronym(programme, False)))
    locals_ = pools.national.get(place.country, [])
    others = rng.sample(pools.places, 3)
    visitors = [rng.choice(pools.national[other.country]) for other in others]
    internationals = [acronym or name for name, acronym in rng.sample(pools.international, 2)]
    participants = list(
        dict.fromkeys(rng.sample(locals_, min(2, len(locals_))) + visitors[:2] + internationals)
    )
    presenter = rng.choice(participants)
    where = rng.choice((f"{place.city}, {place.country}", place.city, f"{place.city} ({place.country})"))
    sentences = [
        rng.choice(
            (
                f"{upper_first(indefinite(kind))} on {topic} took place in {where} {when}.",
                f"{upper_first(when)}, {indefinite(kind)} on {topic} was held in {where}.",
                f"Officials met in {where} {when} for {indefinite(kind)} on {topic}.",
            )
        ),
        rng.choice(
            (
                f"The {kind} was organised by {organiser}.",
                f"It was organised by {organiser} with the support of {rng.choice(internationals)}.",
                f"{upper_first(organiser)} organised the {kind}.",
            )
        ),
        f"{upper_first(join(participants))} took part.",
        rng.choice(
            (
                f"{upper_first(presenter)} delivered a presentation on {rng.choice(TOPICS)}.",
                f"A representative of {presenter} delivered a presentation on recent cases.",
                f"{presenter} presented its experience with {rng.choice(TOPICS)}.",
            )
        ),
    ]
    if rng.random() < 0.5:
        funder = rng.choice(programme.funders)
        sentences.append(f"The {kind} was funded by {funder}.")
    title = f"{kind.capitalize()} on {topic} in {place.city}"
    return title, " ".join(sentences)


def programme_paragraph(rng: random.Random, programme: Programme) -> str:
    partnership = f" in partnership with {join(list(programme.partners))}" if programme.partners else ""
    opening = (
        f"{upper_first(name_with_acronym(programme, True))} is implemented by "
        f"{join(list(programme.implementers))}{partnership}."
    )
    rest = [f"It is funded by {join(list(programme.funders))}."]
    if programme.parent:
        rest.append(f"The project is a component of the {programme.parent}.")
    if programme.regions:
        rest.append(f"The programme covers {join(list(programme.regions))}.")
    rng.shuffle(rest)
    return " ".join([opening, *rest])


def document(rng: random.Random, pools: Pools, target_words: int) -> tuple[str, str]:
    """Returns (title, full text) of one news item of about target_words words."""
    programme = rng.choice(pools.programmes[:8] * 4 + pools.programmes[8:])
    year = rng.randint(2015, 2024)
    paragraphs: list[str] = []
    first_title, first_event = event_paragraph(rng, pools, programme, year)
    paragraphs.append(first_event)
    paragraphs.append(programme_paragraph(rng, programme))
    words = sum(len(p.split()) for p in paragraphs)
    while words < target_words:
        if rng.random() < 0.4:
            _, text = event_paragraph(rng, pools, programme, year + rng.choice((0, 0, 1)))
        elif rng.random() < 0.3:
            other = rng.choice(pools.programmes)
            text = programme_paragraph(rng, other)
        else:
            text = " ".join(rng.sample(FILLER, 2))
        paragraphs.append(text)
        words += len(text.split())
    title = f"{name_with_acronym(programme, False).removeprefix('the ')}: {first_title}"
    return title, f"{title}\n\n" + "\n\n".join(paragraphs) + "\n"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def generate(count: int, out: Path, seed: int, target_words: int = 400) -> list[Path]:
    """Write count documents into out; the same arguments always give the same files."""
    rng = random.Random(seed)
    pools = build_pools(rng)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for index in range(count):
        title, text = document(rng, pools, target_words)
        path = out / f"{index:05d}-{slug(title)}.txt"
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


WORK = Path(__file__).resolve().parent / "work"


def cached_corpus(count: int, work: Path = WORK) -> Path:
    """The `count`-document corpus (seed 0) under `work`, written once and shared by the benchmarks.

    It is written beside its place and renamed, so an interrupted run leaves no half corpus to be reused.
    """
    corpus = work / f"corpus-{count}"
    if not corpus.is_dir():
        partial = work / f"corpus-{count}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        generate(count, partial, seed=0)
        partial.rename(corpus)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="number of documents (default 1000)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created if missing)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--words", type=int, default=400, help="approximate words per document (default 400)")
    args = parser.parse_args(argv)
    if args.count < 0 or args.words < 50:
        parser.error("--count must be >= 0 and --words >= 50")
    paths = generate(args.count, args.out, args.seed, args.words)
    print(f"wrote {len(paths)} documents to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
