"""The demo city's programs: 30 efforts whose coverage leaves visible gaps. Of the
neighbourhoods that carry most shootings (N03, N04, N10, N11, N12, N19), Linden (N12) has no
program and Southport (N19) only an informal, unrated one; cognitive behavioural therapy
reaches one of them and group violence intervention two."""

from datetime import date
from decimal import Decimal

from inventory.models import Evidence, Program, ProgramStatus, ServiceArea, Strategy, Tier
from ovp.areas.models import Area, AreaKind
from ovp.core.demo import DemoCity, demo_seeder
from stakeholders.models import Organisation

NORTHSIDE, EASTGATE = "Northside Peacekeepers", "Eastgate Youth Alliance"
POLICE, HEALTH = "Riverton Police Department", "Riverton Department of Public Health"
HOSPITAL, SCHOOLS = "St. Luke's Trauma Center", "Riverton Public Schools"
FAMILY, LAB = "Family Services of Riverton", "Riverton University Crime Lab"
FAITH, CHAMBER = "Interfaith Council for Peace", "Riverton Chamber of Commerce"
HOUSING = "Riverton Housing Authority"
CRIME_SOLUTIONS = "CrimeSolutions.ojp.gov program profile"

S, T, E = Strategy, Tier, Evidence
# name, lead, partners, strategy, tier, model, evidence, ages, capacity, budget, office-funded,
# status, formal, areas served, since
DEMO_PROGRAMS: list[tuple] = [
    ("Northside Violence Interrupters", NORTHSIDE, [HEALTH], S.VIOLENCE_INTERRUPTION, T.INTERVENTION, "Cure Violence", E.PROMISING, "16-30", 120, 640_000, True, ProgramStatus.ACTIVE, True, ["N03", "N04"], date(2022, 3, 1)),
    ("Northside Street Outreach", NORTHSIDE, [], S.STREET_OUTREACH, T.INTERVENTION, "Advance Peace", E.PROMISING, "16-25", 60, 410_000, True, ProgramStatus.ACTIVE, True, ["N03", "N11"], date(2023, 6, 1)),
    ("St. Luke's Bedside Intervention", HOSPITAL, [NORTHSIDE], S.HOSPITAL, T.INTERVENTION, "HAVI model", E.PROMISING, "12-35", 200, 520_000, True, ProgramStatus.ACTIVE, True, ["N03", "N04", "N10", "N11"], date(2021, 9, 1)),
    ("Riverton Ceasefire", POLICE, [LAB, NORTHSIDE], S.GROUP_VIOLENCE, T.ENFORCEMENT, "Group Violence Intervention", E.EFFECTIVE, "16-35", 80, 300_000, False, ProgramStatus.ACTIVE, True, ["N04", "N10"], date(2023, 1, 15)),
    ("Becoming a Man, Juniper Park", SCHOOLS, [EASTGATE], S.CBT, T.PREVENTION, "Becoming a Man", E.EFFECTIVE, "13-18", 150, 380_000, True, ProgramStatus.ACTIVE, True, ["N10"], date(2024, 9, 1)),
    ("Eastgate Summer Jobs", EASTGATE, [CHAMBER], S.YOUTH_EMPLOYMENT, T.PREVENTION, "One Summer Chicago Plus", E.EFFECTIVE, "14-21", 400, 900_000, True, ProgramStatus.ACTIVE, True, ["N05", "N06", "N13", "N14", "N11"], date(2022, 6, 15)),
    ("Eastgate Mentoring Circles", EASTGATE, [], S.SCHOOL, T.PREVENTION, "", E.NOT_RATED, "10-16", 90, 140_000, True, ProgramStatus.ACTIVE, True, ["N05", "N06"], date(2021, 1, 10)),
    ("Vacant Lot Greening", HOUSING, [HEALTH], S.PLACE_BASED, T.PREVENTION, "Philadelphia LandCare", E.EFFECTIVE, "all ages", None, 260_000, False, ProgramStatus.ACTIVE, True, ["N04", "N11", "N20"], date(2022, 4, 1)),
    ("Brighter Blocks Lighting", HOUSING, [], S.PLACE_BASED, T.PREVENTION, "Street lighting (NYC)", E.PROMISING, "all ages", None, 180_000, False, ProgramStatus.ACTIVE, True, ["N03", "N10"], date(2024, 3, 1)),
    ("Night Walks for Peace", FAITH, [], S.STREET_OUTREACH, T.PREVENTION, "", E.NOT_RATED, "all ages", None, 15_000, False, ProgramStatus.ACTIVE, False, ["N19", "N20"], date(2020, 5, 1)),
    ("Interfaith Vigil Network", FAITH, [], S.VICTIM_SERVICES, T.INTERVENTION, "", E.NOT_RATED, "all ages", None, 8_000, False, ProgramStatus.ACTIVE, False, ["N03", "N04", "N19"], date(2019, 1, 1)),
    ("Family Services Victim Advocacy", FAMILY, [HOSPITAL], S.VICTIM_SERVICES, T.INTERVENTION, "Trauma Recovery Center", E.PROMISING, "all ages", 300, 450_000, True, ProgramStatus.ACTIVE, True, ["N03", "N04", "N10", "N11", "N12", "N19"], date(2021, 7, 1)),
    ("Reentry Works", CHAMBER, [FAMILY], S.REENTRY, T.REENTRY, "Transitional jobs", E.NO_EFFECTS, "18-40", 70, 220_000, False, ProgramStatus.ACTIVE, True, ["N10", "N11", "N12"], date(2022, 10, 1)),
    ("Homecoming Mentors", FAMILY, [], S.REENTRY, T.REENTRY, "", E.NOT_RATED, "18-30", 40, 90_000, False, ProgramStatus.ACTIVE, True, ["N19"], date(2023, 2, 1)),
    ("Hot Spot Patrols", POLICE, [], S.POLICING, T.ENFORCEMENT, "Hot spots policing", E.PROMISING, "all ages", None, 1_200_000, False, ProgramStatus.ACTIVE, True, ["N03", "N04", "N10", "N11", "N12", "N19"], date(2020, 1, 1)),
    ("Scared Straight Tours", POLICE, [SCHOOLS], S.SCHOOL, T.PREVENTION, "Scared Straight", E.NEGATIVE, "12-16", 200, 25_000, False, ProgramStatus.ENDED, True, ["N12", "N19"], date(2018, 9, 1)),
    ("School Resource Counsellors", SCHOOLS, [], S.SCHOOL, T.PREVENTION, "", E.NOT_RATED, "11-18", 600, 700_000, False, ProgramStatus.ACTIVE, True, ["N01", "N02", "N07", "N08", "N09"], date(2019, 9, 1)),
    ("Safe Passage Corridors", SCHOOLS, [NORTHSIDE], S.SCHOOL, T.PREVENTION, "Safe Passage (Chicago)", E.PROMISING, "5-18", None, 160_000, True, ProgramStatus.ACTIVE, True, ["N03", "N11"], date(2023, 9, 1)),
    ("Youth Sports After Dark", EASTGATE, [], S.SCHOOL, T.PREVENTION, "", E.NOT_RATED, "12-20", 250, 60_000, False, ProgramStatus.ACTIVE, False, ["N13", "N14"], date(2021, 6, 1)),
    ("Public Health Injury Surveillance", HEALTH, [LAB], S.OTHER, T.PREVENTION, "", E.NOT_RATED, "all ages", None, 130_000, False, ProgramStatus.ACTIVE, True, [], date(2020, 1, 1)),
    ("Crime Lab Program Evaluation", LAB, [], S.OTHER, T.PREVENTION, "", E.NOT_RATED, "", None, 90_000, True, ProgramStatus.ACTIVE, True, [], date(2024, 1, 1)),
    ("Cognitive Coaching for Young Adults", FAMILY, [], S.CBT, T.INTERVENTION, "READI Chicago", E.PROMISING, "18-32", 60, 510_000, True, ProgramStatus.PLANNED, True, ["N12", "N19"], date(2027, 3, 1)),
    ("Westbrook Community Garden", HOUSING, [FAITH], S.PLACE_BASED, T.PREVENTION, "", E.NOT_RATED, "all ages", None, 12_000, False, ProgramStatus.ACTIVE, False, ["N23"], date(2022, 4, 1)),
    ("Second Chance Hiring Pledge", CHAMBER, [], S.REENTRY, T.REENTRY, "", E.NOT_RATED, "18+", 100, 0, False, ProgramStatus.ACTIVE, False, ["N21", "N22", "N29", "N30"], date(2023, 5, 1)),
    ("Violence-Free Zones", EASTGATE, [SCHOOLS], S.SCHOOL, T.PREVENTION, "Violence-Free Zone", E.PROMISING, "12-18", 180, 230_000, True, ProgramStatus.ACTIVE, True, ["N05", "N13"], date(2024, 1, 8)),
    ("Gun Buyback Days", POLICE, [FAITH], S.POLICING, T.PREVENTION, "Gun buyback", E.NO_EFFECTS, "all ages", None, 40_000, False, ProgramStatus.PAUSED, True, ["N03", "N19"], date(2021, 5, 1)),
    ("Kingsbridge Peace Circle", NORTHSIDE, [FAITH], S.VIOLENCE_INTERRUPTION, T.INTERVENTION, "", E.NOT_RATED, "15-30", 30, 45_000, False, ProgramStatus.ACTIVE, False, ["N11"], date(2025, 2, 1)),
    ("Trauma-Informed Classrooms", SCHOOLS, [HEALTH], S.SCHOOL, T.PREVENTION, "", E.NOT_RATED, "5-14", 1_200, 300_000, False, ProgramStatus.ACTIVE, True, ["N10", "N26", "N27"], date(2022, 8, 15)),
    ("Focused Deterrence Call-ins (pilot)", POLICE, [NORTHSIDE], S.GROUP_VIOLENCE, T.ENFORCEMENT, "Group Violence Intervention", E.EFFECTIVE, "16-35", 40, 0, False, ProgramStatus.ENDED, True, ["N12"], date(2019, 3, 1)),
    ("Riverside Youth Council", EASTGATE, [], S.OTHER, T.PREVENTION, "", E.NOT_RATED, "14-21", 25, 5_000, False, ProgramStatus.ACTIVE, False, ["N18"], date(2023, 10, 1)),
]  # fmt: skip


# programs listed in the public directory: (what it offers, who can take part)
PUBLIC_LISTINGS = {
    "Northside Violence Interrupters": (
        "Outreach workers who grew up on the north side step in when a dispute could turn into "
        "a shooting, and stay with the people involved until it cools down.",
        "Anyone aged 16 to 30 caught up in a conflict, or a family member worried about one. "
        "Call the Peacekeepers' line at any hour.",
    ),
    "St. Luke's Bedside Intervention": (
        "A violence intervention specialist meets people injured by violence at the hospital "
        "bedside and helps with recovery, safety planning, housing, school and work.",
        "People aged 12 to 35 treated at St. Luke's for a violent injury, and their families.",
    ),
    "Eastgate Summer Jobs": (
        "Paid summer jobs with local employers, with a mentor and a weekly group session on "
        "handling stress and conflict.",
        "Young people aged 14 to 21 who live in Eastgate or go to school there. Applications "
        "open each spring.",
    ),
    "Eastgate Mentoring Circles": (
        "Weekly after-school circles with a trained mentor: homework help, sport and a safe "
        "place to talk.",
        "Young people aged 10 to 16; a parent or carer signs them up.",
    ),
    "Family Services Victim Advocacy": (
        "Free counselling, help with medical bills, court and victim compensation, and support "
        "for families who lost someone to violence.",
        "Anyone harmed by violence in the city, of any age, and their families. No referral "
        "needed.",
    ),
    "Vacant Lot Greening": (
        "Cleaning and greening vacant lots, with neighbours hired to help keep them up.",
        "Any resident can report a lot to be cleaned; paid maintenance jobs go to neighbours "
        "over 18.",
    ),
    "Night Walks for Peace": (
        "Congregation members walk the streets on Friday and Saturday nights to be a calm, "
        "friendly presence.",
        "Anyone who wants to join a walk: meet at the Interfaith Council's chapels at 9 pm.",
    ),
    "Reentry Works": (
        "Transitional jobs and coaching for people coming home from prison or jail.",
        "Adults aged 18 to 40 returning to Riverton within the last year.",
    ),
    "Safe Passage Corridors": (
        "Trained adults posted along the walking routes to school, before and after the school "
        "day.",
        "Every student walking to the schools on the routes; no sign-up needed.",
    ),
}


@demo_seeder
def seed_programs(city: DemoCity) -> None:
    organisations = {o.name: o for o in Organisation.objects.all()}
    areas = {a.code: a for a in Area.objects.of_kind(AreaKind.NEIGHBOURHOOD)}
    for row in DEMO_PROGRAMS:
        (name, lead, partners, strategy, tier, model_name, evidence, ages, capacity, budget,
         funded, status, formal, codes, since) = row  # fmt: skip
        # created once: running the demo again adds no entries to the programs' history
        program, _ = Program.objects.get_or_create(
            name=name,
            lead_organisation=organisations[lead],
            defaults={
                "strategy": strategy,
                "tier": tier,
                "model_name": model_name,
                "evidence": evidence,
                "evidence_source": CRIME_SOLUTIONS if evidence != Evidence.NOT_RATED else "",
                "population_ages": ages,
                "capacity": capacity,
                "annual_budget": Decimal(budget),
                "funded_by_office": funded,
                "status": status,
                "formal": formal,
                "funding_sources": "Office of Violence Prevention grant" if funded else "",
            },
        )
        program.partners.set([organisations[p] for p in partners])
        ended = date(2024, 6, 30) if status == ProgramStatus.ENDED else None
        for code in codes:
            ServiceArea.objects.get_or_create(
                program=program, area=areas[code], started_on=since, defaults={"ended_on": ended}
            )
    city.log(f"  programs: {len(DEMO_PROGRAMS)}")


@demo_seeder
def seed_public_listings(city: DemoCity) -> None:
    """Some programs opt in to the public directory, with their public text."""
    for name, (summary, eligibility) in PUBLIC_LISTINGS.items():
        Program.objects.filter(name=name).update(
            listed_publicly=True, public_summary=summary, eligibility=eligibility
        )
    city.log(f"  programs listed publicly: {len(PUBLIC_LISTINGS)}")
