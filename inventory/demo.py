"""The demo city's programs: 30 efforts whose coverage leaves visible gaps. Of the
neighbourhoods that carry most shootings (N03, N04, N10, N11, N12, N19), Linden (N12) has no
program and Southport (N19) only an informal, unrated one; cognitive behavioural therapy
reaches one of them and group violence intervention two. The office's own campaigns (a summer
surge, a citywide safe-storage campaign, a gun buyback day) are at the end."""

from datetime import date
from decimal import Decimal

from inventory.models import (
    Campaign,
    CampaignKind,
    Evidence,
    OutputKind,
    Program,
    ProgramStatus,
    ServiceArea,
    Strategy,
    Tier,
)
from inventory.services import (
    CampaignLinks,
    campaign_create,
    campaign_output_log,
    campaign_spending_log,
)
from ovp.areas.models import Area, AreaKind
from ovp.core.demo import DemoCity, demo_seeder
from stakeholders.models import Goal, Organisation

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


# -- The office's own campaigns: a summer surge in the high-burden neighbourhoods, a citywide
# safe-storage campaign that goes on, peacekeepers in the two high-burden neighbourhoods the
# programs miss (under way, long-term), and a gun buyback day that went over its budget.
OUTREACH_GOAL = "Street outreach in every high-burden neighbourhood"
SCHOOLS_GOAL = "Halve shootings within a block of schools"
# name, kind, strategy, start, end, whole city, areas, budget, partners, goals, description
DEMO_CAMPAIGNS: list[tuple] = [
    ("Summer Surge 2026", CampaignKind.SURGE, S.STREET_OUTREACH, date(2026, 6, 1), date(2026, 8, 31), False, ["N03", "N04", "N10", "N11", "N12", "N19"], 250_000, [NORTHSIDE, EASTGATE, FAITH], [OUTREACH_GOAL], "Extra outreach shifts, late-night basketball and block parties in the six neighbourhoods with the most shootings, from June to August."),
    ("Lock It Up Riverton", CampaignKind.SAFE_STORAGE, "", date(2025, 3, 1), None, True, [], 60_000, [HEALTH, HOSPITAL, SCHOOLS], [SCHOOLS_GOAL], "Free cable locks and lock boxes at clinics, libraries and school events, with a public-awareness drive on safe storage."),
    ("Linden and Southport Peacekeepers", CampaignKind.PEACEKEEPING, S.VIOLENCE_INTERRUPTION, date(2026, 10, 1), None, False, ["N12", "N19"], 90_000, [FAITH, FAMILY], [OUTREACH_GOAL], "Weekly peace walks and credible messengers in the two high-burden neighbourhoods the programs miss, while an outreach team is recruited."),
    ("Spring Gun Buyback Day", CampaignKind.BUYBACK, S.POLICING, date(2026, 4, 18), date(2026, 4, 18), False, ["N03", "N19"], 40_000, [POLICE, FAITH], [], "No-questions-asked buyback at two congregations, with gift cards for each firearm turned in."),
]  # fmt: skip
DEMO_TODAY = date(2026, 11, 22)  # the demo's last day of data: every entry is before it
# campaign, date, output kind, quantity, note
DEMO_OUTPUTS: list[tuple] = [
    ("Summer Surge 2026", date(2026, 6, 20), OutputKind.EVENTS, 6, "Block parties and night games"),
    ("Summer Surge 2026", date(2026, 6, 30), OutputKind.PEOPLE_REACHED, 1_150, ""),
    ("Summer Surge 2026", date(2026, 7, 31), OutputKind.EVENTS, 9, ""),
    ("Summer Surge 2026", date(2026, 7, 31), OutputKind.PEOPLE_REACHED, 1_640, ""),
    ("Summer Surge 2026", date(2026, 7, 31), OutputKind.VOLUNTEER_HOURS, 520, "Faith volunteers' night walks"),
    ("Summer Surge 2026", date(2026, 8, 31), OutputKind.EVENTS, 7, ""),
    ("Summer Surge 2026", date(2026, 8, 31), OutputKind.PEOPLE_REACHED, 1_320, ""),
    ("Lock It Up Riverton", date(2025, 4, 30), OutputKind.LOCKS, 850, "Clinics and libraries"),
    ("Lock It Up Riverton", date(2025, 9, 30), OutputKind.LOCKS, 1_200, "Back-to-school events"),
    ("Lock It Up Riverton", date(2025, 9, 30), OutputKind.MATERIALS, 6_000, "Leaflets in four languages"),
    ("Lock It Up Riverton", date(2026, 3, 31), OutputKind.LOCKS, 900, ""),
    ("Lock It Up Riverton", date(2026, 6, 30), OutputKind.KITS, 300, "Lock boxes"),
    ("Lock It Up Riverton", date(2026, 10, 31), OutputKind.LOCKS, 1_050, ""),
    ("Spring Gun Buyback Day", date(2026, 4, 18), OutputKind.GUNS, 87, "Two congregations"),
    ("Linden and Southport Peacekeepers", date(2026, 10, 31), OutputKind.EVENTS, 8, "Peace walks"),
    ("Linden and Southport Peacekeepers", date(2026, 10, 31), OutputKind.VOLUNTEER_HOURS, 240, ""),
    ("Spring Gun Buyback Day", date(2026, 4, 18), OutputKind.EVENTS, 2, ""),
]  # fmt: skip
# campaign, date, amount, what for
DEMO_SPENDING: list[tuple] = [
    ("Summer Surge 2026", date(2026, 5, 20), "68000", "Outreach overtime, June"),
    ("Summer Surge 2026", date(2026, 7, 1), "71500", "Outreach overtime, July"),
    ("Summer Surge 2026", date(2026, 8, 1), "24800", "Events: permits, food, sound"),
    ("Lock It Up Riverton", date(2025, 3, 10), "18400", "4,000 cable locks"),
    ("Lock It Up Riverton", date(2026, 2, 15), "12600", "Lock boxes and leaflets"),
    ("Spring Gun Buyback Day", date(2026, 4, 18), "38700", "Gift cards"),
    ("Spring Gun Buyback Day", date(2026, 4, 25), "3900", "Safe disposal of the firearms"),
    (
        "Linden and Southport Peacekeepers",
        date(2026, 10, 1),
        "22500",
        "Credible messengers, October",
    ),
]


@demo_seeder
def seed_campaigns(city: DemoCity) -> None:
    organisations = {o.name: o for o in Organisation.objects.all()}
    areas = {a.code: a for a in Area.objects.of_kind(AreaKind.NEIGHBOURHOOD)}
    goals = {g.title: g for g in Goal.objects.all()}
    campaigns = {}
    for row in DEMO_CAMPAIGNS:
        (name, kind, strategy, start, end, whole_city, codes, budget, partners, goal_titles,
         description) = row  # fmt: skip
        found = Campaign.objects.filter(name=name).first()
        campaigns[name] = found or campaign_create(
            user=None,
            values={
                "name": name, "kind": kind, "strategy": strategy, "started_on": start,
                "ended_on": end, "covers_whole_city": whole_city, "budget": Decimal(budget),
                "description": description,
            },
            links=CampaignLinks(
                areas=[areas[code] for code in codes],
                partners=[organisations[p] for p in partners],
                goals=[goals[t] for t in goal_titles if t in goals],
            ),
        )  # fmt: skip
    # entries are added once, with their campaign: running the demo again adds nothing
    for name, on, kind, quantity, note in DEMO_OUTPUTS:
        if not campaigns[name].outputs.filter(on=on, kind=kind).exists():
            campaign_output_log(
                campaign=campaigns[name], user=None, on=on, kind=kind, quantity=quantity,
                note=note, today=DEMO_TODAY,
            )  # fmt: skip
    for name, on, amount, description in DEMO_SPENDING:
        if not campaigns[name].spending.filter(spent_on=on, description=description).exists():
            campaign_spending_log(
                campaign=campaigns[name], user=None, spent_on=on, amount=Decimal(amount),
                description=description, today=DEMO_TODAY,
            )  # fmt: skip
    city.log(f"  campaigns: {len(DEMO_CAMPAIGNS)}")
