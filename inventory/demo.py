"""The demo city's programs: 30 efforts whose coverage leaves visible gaps. Of the
neighbourhoods that carry most shootings (N03, N04, N10, N11, N12, N19), Linden (N12) has no
program and Southport (N19) only an informal, unrated one; cognitive behavioural therapy
reaches one of them and group violence intervention two. The office's own campaigns (a summer
surge, a citywide safe-storage campaign, a gun buyback day) are at the end."""

from datetime import date
from decimal import Decimal
from typing import Any

from inventory.models import (
    Audience,
    Campaign,
    CampaignKind,
    Evidence,
    Language,
    OutputKind,
    Program,
    ProgramStatus,
    Resource,
    ServiceArea,
    Strategy,
    Tier,
)
from inventory.services.campaigns import (
    CampaignLinks,
    campaign_create,
    campaign_output_log,
    campaign_spending_log,
)
from ovp.accounts.models import User
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


# ------------------------------------------------------------------------- resource library


def leaflet_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a title and lines of text, written by hand (no library needed):
    the demo's toolkits and guidance are real PDFs that any viewer opens."""

    def text(value: str) -> str:
        safe = value.encode("latin-1", "replace").decode("latin-1")
        return safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    rows = [f"BT /F1 18 Tf 56 780 Td ({text(title)}) Tj ET"]
    rows += [
        f"BT /F1 11 Tf 56 {748 - 16 * n} Td ({text(line)}) Tj ET" for n, line in enumerate(lines)
    ]
    stream = "\n".join(rows).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


A = Audience
# title, audience, strategy, topics, language, summary, (file name and the PDF's lines) or link
DEMO_RESOURCES: list[tuple] = [
    ("Counting participants: data-collection guide", A.GRANTEES, "", ["data collection", "reporting"], Language.ENGLISH,
     "Who counts as enrolled and as active each quarter, and how to keep the sign-in sheets that back the figures.",
     ("counting-participants.pdf", ["Enrolled: agreed to take part and had a first session this quarter.", "Active: any session, contact or service this quarter.", "Count each person once per quarter; keep sign-in sheets for 3 years.", "Never send names to the office: the report takes counts only."])),
    ("Recording outreach contacts and mediations", A.GRANTEES, S.STREET_OUTREACH, ["data collection", "outreach"], Language.ENGLISH,
     "A contact log and a mediation log, with what counts as a contact and as a mediated conflict.",
     ("outreach-contacts-and-mediations.pdf", ["A contact: face to face, with a person at high risk, on the street or at home.", "A mediation: staff stepped into a dispute likely to turn violent.", "One conflict counts once, however many people were in it.", "Log each on the day, with the worker's initials and the block."])),
    ("Tracking referrals to services", A.GRANTEES, "", ["data collection", "referrals"], Language.ENGLISH,
     "When a referral is made and when it is completed, with a follow-up checklist.",
     ("tracking-referrals.pdf", ["Made: the participant agreed and the service was contacted.", "Completed: the participant attended a first appointment.", "Follow up within 14 days; record the date of the first appointment."])),
    ("Street outreach toolkit", A.GRANTEES, S.STREET_OUTREACH, ["toolkit", "outreach", "safety"], Language.ENGLISH,
     "Shift planning, safety protocols and hospital hand-offs for outreach teams.",
     ("street-outreach-toolkit.pdf", ["1. Plan shifts around the hours of highest risk.", "2. Work in pairs; check in with the supervisor every two hours.", "3. After a shooting: the hospital team's number is on the back page.", "4. Debrief every week; secondary trauma is real."])),
    ("Quarterly briefing for the advisory board", A.BOARD, "", ["briefing", "governance"], Language.ENGLISH,
     "Where the money went this quarter, what grantees report and the questions for the next meeting.",
     ("board-briefing.pdf", ["Awards: 6 active, 2 late reports.", "Shootings are down in the two neighbourhoods with outreach teams.", "For the next meeting: the needs assessment of Linden."])),
    ("Grant monitoring checklist", A.OFFICE, "", ["monitoring"], Language.ENGLISH,
     "The office's own checklist for site visits and report reviews.",
     ("monitoring-checklist.pdf", ["Before a site visit: read the last two reports.", "On site: sign-in sheets, contact logs, referral follow-ups."])),
    ("Safe storage saves lives", A.PUBLIC, "", ["safe storage", "families"], Language.ENGLISH,
     "A flyer on locking up guns at home, with where to get a free cable lock.",
     ("safe-storage-flyer.pdf", ["Store guns locked and unloaded.", "Keep ammunition locked separately.", "Free cable locks at every police district office and library.", "Worried about someone? Call 988, any time."])),
    ("Guardar las armas de forma segura", A.PUBLIC, "", ["safe storage", "families"], Language.SPANISH,
     "Folleto sobre guardar las armas bajo llave en casa.",
     ("almacenamiento-seguro.pdf", ["Guarde las armas descargadas y bajo llave.", "Guarde las municiones por separado.", "Candados gratis en las oficinas de distrito y bibliotecas."])),
    ("CrimeSolutions: community violence intervention", A.PUBLIC, S.VIOLENCE_INTERRUPTION, ["evidence"], Language.ENGLISH,
     "The federal clearinghouse's ratings of violence interruption programs.",
     "https://crimesolutions.ojp.gov/"),
]  # fmt: skip


@demo_seeder
def seed_resources(city: DemoCity) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from inventory.services.resources import resource_create, resource_version_add

    staff = User.objects.get(email="staff@demo.ovp")
    for title, audience, strategy, topics, language, summary, content in DEMO_RESOURCES:
        if Resource.objects.filter(title=title).exists():
            continue
        given: dict[str, Any] = {"url": content} if isinstance(content, str) else {}
        if not given:
            name, lines = content
            given["upload"] = SimpleUploadedFile(name, leaflet_pdf(title, lines))
        resource = resource_create(
            user=staff, title=title, summary=summary, strategy=strategy, topics=topics,
            language=language, audience=audience, note="First edition.", **given,
        )  # fmt: skip
        if title == "Street outreach toolkit":  # a second edition: the first one is kept
            lines = [*content[1], "5. New: the city's shooting review calls, every Monday."]
            resource_version_add(
                resource=resource,
                user=staff,
                upload=SimpleUploadedFile(content[0], leaflet_pdf(title, lines)),
                note="Second edition: adds the shooting review calls.",
            )
    city.log(f"  resources: {Resource.objects.count()}")


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


@demo_seeder
def seed_public_listings(city: DemoCity) -> None:
    """Some programs opt in to the public directory, with their public text."""
    for name, (summary, eligibility) in PUBLIC_LISTINGS.items():
        Program.objects.filter(name=name).update(
            listed_publicly=True, public_summary=summary, eligibility=eligibility
        )
    city.log(f"  programs listed publicly: {len(PUBLIC_LISTINGS)}")
