"""The demo city's registry: organisations and their people, an advisory board (which the
demo board user sits on) and a task force (which they do not), meetings, common goals and
action items, some overdue, some due soon, some done. Dates count from the incident demo's
last day, so the accountability view looks the same wherever the demo is built."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ovp.accounts.models import User
from ovp.core.demo import DemoCity, demo_seeder
from ovp.incidents.demo import DEMO_END
from stakeholders.models import (
    ActionItem,
    ActionStatus,
    Board,
    BoardKind,
    BoardMembership,
    CommunityInput,
    Goal,
    Horizon,
    InputStatus,
    InputTopic,
    Meeting,
    MembershipRole,
    Organisation,
    Person,
    Sector,
)

# (name, sector, description); the first two are the demo grantees' organisations
DEMO_ORGANISATIONS = [
    ("Northside Peacekeepers", Sector.COMMUNITY, "Street outreach and violence interruption."),
    ("Eastgate Youth Alliance", Sector.COMMUNITY, "Mentoring and summer jobs for young people."),
    ("Riverton Police Department", Sector.LAW_ENFORCEMENT, "City police; shooting incident data."),
    ("Riverton Department of Public Health", Sector.PUBLIC_HEALTH, "Injury surveillance."),
    (
        "St. Luke's Trauma Center",
        Sector.HOSPITAL,
        "Level I trauma centre; hospital-based intervention.",
    ),
    ("Riverton Public Schools", Sector.EDUCATION, "School safety and counselling."),
    ("Family Services of Riverton", Sector.SOCIAL_SERVICES, "Case management and victim services."),
    ("Riverton University Crime Lab", Sector.RESEARCH, "Evaluation partner."),
    ("City Office of Data and Technology", Sector.CITY_DATA, "Open-data portal and GIS."),
    ("Interfaith Council for Peace", Sector.FAITH, "Congregations' night walks and vigils."),
    ("Riverton Chamber of Commerce", Sector.BUSINESS, "Employer network for reentry hiring."),
    ("Riverton Housing Authority", Sector.GOVERNMENT, "Public housing, lighting and greening."),
]
# the public program directory's contacts: each organisation's general line, shared inbox and
# office (never a person's own); (phone, email, address)
PUBLIC_CONTACTS = {
    "Northside Peacekeepers": (
        "(555) 010-2100",
        "info@northside-peacekeepers.example.org",
        "412 Kingsbridge Avenue",
    ),
    "Eastgate Youth Alliance": (
        "(555) 010-3300",
        "hello@eastgate-youth.example.org",
        "88 Juniper Park Road",
    ),
    "St. Luke's Trauma Center": (
        "(555) 010-4000",
        "violence.intervention@stlukes.example.org",
        "1 Hospital Plaza",
    ),
    "Family Services of Riverton": (
        "(555) 010-5150",
        "help@familyservices.example.org",
        "230 Market Street, 2nd floor",
    ),
    "Riverton Housing Authority": ("(555) 010-6000", "greening@rha.example.org", ""),
    "Interfaith Council for Peace": ("", "walks@interfaith-peace.example.org", ""),
    "Riverton Public Schools": ("(555) 010-7000", "safety@rps.example.org", "50 School Street"),
    "Riverton Chamber of Commerce": ("(555) 010-8800", "reentry@chamber.example.org", ""),
}
GRANTEE_ORGANISATIONS = {
    "grantee.a@demo.ovp": "Northside Peacekeepers",
    "grantee.b@demo.ovp": "Eastgate Youth Alliance",
}


@demo_seeder
def seed_organisations(city: DemoCity) -> None:
    for name, sector, description in DEMO_ORGANISATIONS:
        Organisation.objects.update_or_create(
            name=name, defaults={"sector": sector, "description": description}
        )
    for name, (phone, email, address) in PUBLIC_CONTACTS.items():
        Organisation.objects.filter(name=name).update(
            public_phone=phone, public_email=email, public_address=address
        )
    for email, organisation_name in GRANTEE_ORGANISATIONS.items():
        organisation = Organisation.objects.get(name=organisation_name)
        user = User.objects.get(email=email)
        user.organisations.set([organisation])
    city.log(f"  organisations: {len(DEMO_ORGANISATIONS)}")


# What some organisations bring: (strengths, services, data held)
CONTRIBUTIONS = {
    "Northside Peacekeepers": (
        "Credible messengers with deep ties on the north side; 24-hour response to shootings.",
        "Street outreach, conflict mediation, hospital bedside response with St. Luke's.",
        "Outreach contacts and mediations logged by block (no names shared).",
    ),
    "Eastgate Youth Alliance": (
        "Trusted by young people and families in Eastgate; employer relationships.",
        "Mentoring, summer youth employment, after-school programs.",
        "Enrolment and attendance of program participants.",
    ),
    "Riverton Police Department": (
        "Round-the-clock presence; investigative capacity.",
        "Patrol, investigations, group violence intervention call-ins.",
        "Shooting incidents and victims (the city's open-data export), calls for service.",
    ),
    "Riverton Department of Public Health": (
        "Epidemiology team; relationships with every clinic in the city.",
        "Injury surveillance, community health workers.",
        "Emergency department visits for assault injuries (syndromic surveillance).",
    ),
    "St. Luke's Trauma Center": (
        "Sees most gunshot patients in the city within the hour.",
        "Hospital-based violence intervention (HVIP), trauma-informed care.",
        "Gunshot-wound admissions and re-injury rates.",
    ),
    "Riverton University Crime Lab": (
        "Evaluation methods (difference-in-differences, synthetic control).",
        "Program evaluation and data-sharing agreements.",
        "Linked research datasets under data-use agreements.",
    ),
    "City Office of Data and Technology": (
        "GIS and open-data publishing.",
        "Maps, dashboards, data pipelines for city agencies.",
        "Open-data portal; address and boundary files.",
    ),
}

# (email, organisation or None, full name, title, phone, consents to contact)
DEMO_PEOPLE = [
    (
        "marcus.reed@example.org",
        "Northside Peacekeepers",
        "Marcus Reed",
        "Executive director",
        "555-0101",
        True,
    ),
    (
        "tanya.boyd@example.org",
        "Northside Peacekeepers",
        "Tanya Boyd",
        "Outreach supervisor",
        "555-0102",
        True,
    ),
    (
        "luis.ortega@example.org",
        "Eastgate Youth Alliance",
        "Luis Ortega",
        "Program director",
        "555-0111",
        True,
    ),
    (
        "dana.whitfield@example.org",
        "Riverton Police Department",
        "Dana Whitfield",
        "Deputy chief, violence reduction",
        "555-0121",
        True,
    ),
    (
        "omar.haddad@example.org",
        "Riverton Police Department",
        "Omar Haddad",
        "Crime analyst",
        "555-0122",
        False,
    ),
    (
        "priya.nair@example.org",
        "Riverton Department of Public Health",
        "Dr. Priya Nair",
        "Director of injury prevention",
        "555-0131",
        True,
    ),
    (
        "helen.cho@example.org",
        "St. Luke's Trauma Center",
        "Dr. Helen Cho",
        "Trauma surgeon, HVIP lead",
        "555-0141",
        True,
    ),
    (
        "james.okoro@example.org",
        "St. Luke's Trauma Center",
        "James Okoro",
        "Violence intervention specialist",
        "555-0142",
        False,
    ),
    (
        "angela.price@example.org",
        "Riverton Public Schools",
        "Angela Price",
        "Director of school safety",
        "555-0151",
        True,
    ),
    (
        "kevin.molina@example.org",
        "Family Services of Riverton",
        "Kevin Molina",
        "Victim services manager",
        "555-0161",
        True,
    ),
    (
        "sarah.lindqvist@example.org",
        "Riverton University Crime Lab",
        "Prof. Sarah Lindqvist",
        "Principal investigator",
        "555-0171",
        True,
    ),
    (
        "ravi.menon@example.org",
        "City Office of Data and Technology",
        "Ravi Menon",
        "GIS lead",
        "555-0181",
        False,
    ),
    (
        "ruth.adeyemi@example.org",
        "Interfaith Council for Peace",
        "Rev. Ruth Adeyemi",
        "Council chair",
        "555-0191",
        True,
    ),
    (
        "george.bell@example.org",
        "Riverton Chamber of Commerce",
        "George Bell",
        "Workforce partnerships",
        "",
        False,
    ),
    (
        "nina.santos@example.org",
        "Riverton Housing Authority",
        "Nina Santos",
        "Community safety coordinator",
        "555-0211",
        True,
    ),
    (
        "rita.boardman@example.org",
        None,
        "Rita Boardman",
        "Resident member, Northside",
        "555-0221",
        True,
    ),
]
BOARD_USER = ("board@demo.ovp", "rita.boardman@example.org")

ADVISORY_BOARD = "Riverton Violence Prevention Advisory Board"
TASK_FORCE = "Youth Violence Task Force"
# (name, kind, purpose)
DEMO_BOARDS = [
    (
        ADVISORY_BOARD,
        BoardKind.ADVISORY_BOARD,
        "Advises the office on priorities, reviews the needs assessment and signs it off, "
        "and holds partners to the city's common goals.",
    ),
    (
        TASK_FORCE,
        BoardKind.TASK_FORCE,
        "Brings schools, youth programs, police and families together on violence "
        "involving people under 25.",
    ),
]
# (board, person email, role, term start and end as days from DEMO_END; None is open)
DEMO_MEMBERSHIPS = [
    (ADVISORY_BOARD, "priya.nair@example.org", MembershipRole.CHAIR, -700, None),
    (ADVISORY_BOARD, "rita.boardman@example.org", MembershipRole.CO_CHAIR, -400, 330),
    (ADVISORY_BOARD, "marcus.reed@example.org", MembershipRole.MEMBER, -400, 330),
    (ADVISORY_BOARD, "dana.whitfield@example.org", MembershipRole.EX_OFFICIO, -700, None),
    (ADVISORY_BOARD, "helen.cho@example.org", MembershipRole.MEMBER, -400, 330),
    (ADVISORY_BOARD, "sarah.lindqvist@example.org", MembershipRole.MEMBER, -300, 400),
    (ADVISORY_BOARD, "ruth.adeyemi@example.org", MembershipRole.SECRETARY, -400, 330),
    (ADVISORY_BOARD, "george.bell@example.org", MembershipRole.MEMBER, -700, -60),  # term ended
    (TASK_FORCE, "angela.price@example.org", MembershipRole.CHAIR, -250, None),
    (TASK_FORCE, "luis.ortega@example.org", MembershipRole.MEMBER, -250, None),
    (TASK_FORCE, "tanya.boyd@example.org", MembershipRole.MEMBER, -250, None),
    (TASK_FORCE, "kevin.molina@example.org", MembershipRole.MEMBER, -200, None),
    (TASK_FORCE, "dana.whitfield@example.org", MembershipRole.EX_OFFICIO, -250, None),
]
# (board, days from DEMO_END, location, agenda, minutes, attendee emails)
DEMO_MEETINGS = [
    (
        ADVISORY_BOARD,
        -84,
        "City Hall, Room 210",
        "1. Welcome and minutes\n2. Shooting trends this summer\n3. Hospital-based "
        "intervention: expansion plan\n4. Common goals for next year",
        "The board agreed four common goals. St. Luke's will present a costed HVIP expansion "
        "next meeting. The police department will share monthly shooting data with partners.",
        ["priya.nair@example.org", "rita.boardman@example.org", "marcus.reed@example.org",
         "dana.whitfield@example.org", "helen.cho@example.org"],
    ),
    (
        ADVISORY_BOARD,
        -21,
        "Northside Community Center",
        "1. Minutes\n2. HVIP expansion proposal\n3. Data-sharing agreement\n4. Needs "
        "assessment timeline",
        "HVIP proposal endorsed. The data-sharing agreement is delayed at the law department; "
        "the chair will follow up. The needs assessment draft is due in January.",
        ["priya.nair@example.org", "rita.boardman@example.org", "helen.cho@example.org",
         "sarah.lindqvist@example.org", "ruth.adeyemi@example.org"],
    ),
    (
        TASK_FORCE,
        -35,
        "Riverton High School library",
        "1. Summer jobs: what worked\n2. Safe passage routes\n3. Referrals from schools",
        "Summer jobs placed 140 young people. The task force will map routes to the three "
        "high schools with the most incidents nearby.",
        ["angela.price@example.org", "luis.ortega@example.org", "tanya.boyd@example.org",
         "dana.whitfield@example.org"],
    ),
]  # fmt: skip
# (title, board or None for city-wide, horizon, target as days from DEMO_END, description)
DEMO_GOALS = [
    ("Cut re-injury among shooting survivors", ADVISORY_BOARD, Horizon.SHORT, 180,
     "Every survivor treated at St. Luke's is offered a violence intervention specialist."),
    ("Share shooting data with partners every month", None, Horizon.SHORT, 120,
     "A monthly, de-identified extract for partners under one data-sharing agreement."),
    ("Street outreach in every high-burden neighbourhood", ADVISORY_BOARD, Horizon.LONG, 730,
     "Outreach teams cover each of the ten neighbourhoods with the most shootings."),
    ("Summer jobs for the young people most at risk", TASK_FORCE, Horizon.SHORT, 220,
     "Referrals from outreach, schools and the hospital get priority for summer jobs."),
    ("Halve shootings within a block of schools", TASK_FORCE, Horizon.LONG, 1095,
     "Safe passage, lighting and greening around the schools most affected."),
]  # fmt: skip
# (goal, title, owner email or organisation name, due as days from DEMO_END, status)
DEMO_ACTION_ITEMS = [
    (
        "Cut re-injury among shooting survivors",
        "Cost the HVIP expansion",
        "helen.cho@example.org",
        -30,
        ActionStatus.DONE,
    ),
    (
        "Cut re-injury among shooting survivors",
        "Hire two more intervention specialists",
        "St. Luke's Trauma Center",
        -10,
        ActionStatus.IN_PROGRESS,
    ),
    (
        "Cut re-injury among shooting survivors",
        "Bedside referral protocol with outreach",
        "Northside Peacekeepers",
        14,
        ActionStatus.IN_PROGRESS,
    ),
    (
        "Share shooting data with partners every month",
        "Sign the data-sharing agreement",
        "Riverton Police Department",
        -25,
        ActionStatus.BLOCKED,
    ),
    (
        "Share shooting data with partners every month",
        "Publish the first monthly extract",
        "City Office of Data and Technology",
        21,
        ActionStatus.NOT_STARTED,
    ),
    (
        "Share shooting data with partners every month",
        "Agree the de-identification rules",
        "sarah.lindqvist@example.org",
        -45,
        ActionStatus.DONE,
    ),
    (
        "Street outreach in every high-burden neighbourhood",
        "Map outreach coverage against shootings",
        "priya.nair@example.org",
        7,
        ActionStatus.IN_PROGRESS,
    ),
    (
        "Street outreach in every high-burden neighbourhood",
        "Recruit outreach workers for Eastgate",
        "Eastgate Youth Alliance",
        90,
        ActionStatus.NOT_STARTED,
    ),
    (
        "Summer jobs for the young people most at risk",
        "Referral form shared by schools and outreach",
        "angela.price@example.org",
        -5,
        ActionStatus.NOT_STARTED,
    ),
    (
        "Summer jobs for the young people most at risk",
        "Sign up 50 employers",
        "Riverton Chamber of Commerce",
        28,
        ActionStatus.IN_PROGRESS,
    ),
    (
        "Halve shootings within a block of schools",
        "Map routes to the three most affected schools",
        "tanya.boyd@example.org",
        -60,
        ActionStatus.DONE,
    ),
    (
        "Halve shootings within a block of schools",
        "Lighting survey around the schools",
        "Riverton Housing Authority",
        45,
        ActionStatus.NOT_STARTED,
    ),
]


def _day(offset: int) -> date:
    return DEMO_END + timedelta(days=offset)


def _maybe_day(offset: int | None) -> date | None:
    return None if offset is None else _day(offset)


@demo_seeder
def seed_registry(city: DemoCity) -> None:
    """People, the two boards with their members, meetings, goals and action items."""
    organisations = {o.name: o for o in Organisation.objects.all()}
    for name, (strengths, services, data_held) in CONTRIBUTIONS.items():
        Organisation.objects.filter(name=name).update(
            strengths=strengths, services=services, data_held=data_held
        )
    people: dict[str, Person] = {}
    for email, organisation_name, full_name, title, phone, consent in DEMO_PEOPLE:
        people[email], _ = Person.objects.update_or_create(
            email=email,
            defaults={
                "organisation": organisations[organisation_name] if organisation_name else None,
                "full_name": full_name,
                "title": title,
                "phone": phone,
                "consent_to_contact": consent,
                "consent_recorded_on": _day(-400) if consent else None,
                "notes": ""
                if consent
                else "Asked not to be contacted directly; go through the office.",
            },
        )
    user_email, person_email = BOARD_USER
    user = User.objects.get(email=user_email)
    Person.objects.filter(user=user).exclude(email=person_email).update(user=None)
    people[person_email].user = user
    people[person_email].save(update_fields=["user"])

    boards = {}
    for name, kind, purpose in DEMO_BOARDS:
        boards[name], _ = Board.objects.update_or_create(
            name=name, defaults={"kind": kind, "purpose": purpose, "active": True}
        )
    for board_name, email, role, start, end in DEMO_MEMBERSHIPS:
        BoardMembership.objects.update_or_create(
            board=boards[board_name],
            person=people[email],
            term_start=_day(start),
            defaults={"role": role, "term_end": _maybe_day(end)},
        )
    for board_name, offset, location, agenda, minutes, attendees in DEMO_MEETINGS:
        held_on = _day(offset)
        meeting, _ = Meeting.objects.update_or_create(
            board=boards[board_name],
            held_at=timezone.make_aware(datetime.combine(held_on, time(18, 0))),
            defaults={"location": location, "agenda": agenda, "minutes": minutes},
        )
        meeting.attendees.set([people[email] for email in attendees])

    goals = {}
    for title, goal_board, horizon, target, description in DEMO_GOALS:
        goals[title], _ = Goal.objects.update_or_create(
            title=title,
            defaults={
                "board": boards[goal_board] if goal_board else None,
                "horizon": horizon,
                "target_date": _day(target),
                "description": description,
            },
        )
    for goal_title, title, owner, due, status in DEMO_ACTION_ITEMS:
        due_on = _day(due)
        ActionItem.objects.update_or_create(
            goal=goals[goal_title],
            title=title,
            defaults={
                "owner_person": people.get(owner),
                "owner_organisation": organisations.get(owner),
                "due_on": due_on,
                "status": status,
                "completed_on": due_on - timedelta(days=3) if status == ActionStatus.DONE else None,
            },
        )
    city.log(
        f"  registry: {len(DEMO_PEOPLE)} people, {len(DEMO_BOARDS)} boards, "
        f"{len(DEMO_MEETINGS)} meetings, {len(DEMO_GOALS)} goals, "
        f"{len(DEMO_ACTION_ITEMS)} action items"
    )


# What residents wrote on the public form: (days before the incident demo's last day, the
# neighbourhood's code or None for the whole city, topic, text, status). Most approved, within
# the demo needs assessment's twelve months; the latest few wait for moderation.
A, P, R = InputStatus.APPROVED, InputStatus.PENDING, InputStatus.REJECTED
DEMO_INPUT: list[tuple[int, str | None, str, str, str]] = [
    (300, "N03", InputTopic.YOUTH, "Nothing open for teenagers after 6pm. The rec centre on "
     "the north side closed two years ago.", A),
    (280, "N03", InputTopic.SAFE_PLACES, "The streetlights along the river path have been out "
     "for months. Nobody walks there after dark.", A),
    (250, "N04", InputTopic.JOBS, "Young men here need real jobs, not one summer program. "
     "Apprenticeships with the trades would help.", A),
    (230, "N04", InputTopic.YOUTH, "Keep the school gym open on weekends with coaches.", A),
    (200, "N10", InputTopic.MENTAL_HEALTH, "Kids who saw the shooting on our block got no "
     "counselling. Schools need counsellors who stay.", A),
    (190, "N10", InputTopic.VICTIMS, "Families who lost someone need help with funeral costs "
     "and someone to call in the first week.", A),
    (170, "N12", InputTopic.SAFE_PLACES, "Three vacant lots on our street are where trouble "
     "starts. Clean them and fence them.", A),
    (150, "N12", InputTopic.POLICE, "Officers drive through but never stop to talk. Foot "
     "patrols that know the neighbourhood would help.", A),
    (130, "N19", InputTopic.HOUSING, "Landlords leave empty houses boarded up for years.", A),
    (110, None, InputTopic.YOUTH, "Summer programs fill up in a day. There need to be more "
     "places, everywhere in the city.", A),
    (90, "N03", InputTopic.JOBS, "Hire people coming home from prison. They want to work.", A),
    (70, "N06", InputTopic.YOUTH, "A safe place to play basketball at night.", A),
    (60, "N04", InputTopic.OTHER, "Buy my product at cheap-pills dot example!!!", R),
    (12, "N11", InputTopic.SAFE_PLACES, "The bus stop by the corner store has no light and "
     "people get robbed there.", P),
    (5, "N07", InputTopic.MENTAL_HEALTH, "My son has not slept since his friend was shot. "
     "Where can we get help?", P),
    (2, None, InputTopic.VICTIMS, "Please do more for the brothers and sisters of victims.", P),
]  # fmt: skip


@demo_seeder
def seed_community_input(city: DemoCity) -> None:
    """Residents' comments across the public areas and topics, dated from the incident demo's
    last day; the same comments again when the demo is built again."""
    from stakeholders.selectors import public_input_areas

    areas = {area.code: area for area in public_input_areas()}
    staff = User.objects.filter(email="staff@demo.ovp").first()
    for days_before, code, topic, text, status in DEMO_INPUT:
        sent_on = timezone.make_aware(datetime.combine(_day(-days_before), time(19, 30)))
        decided = status != InputStatus.PENDING
        CommunityInput.objects.update_or_create(
            text=text,
            defaults={
                "area": areas.get(code) if code else None,
                "topic": topic,
                "status": status,
                "created_at": sent_on,
                "moderated_by": staff if decided else None,
                "moderated_at": sent_on + timedelta(days=2) if decided else None,
                "moderation_note": "Advertising." if status == InputStatus.REJECTED else "",
            },
        )
    city.log(f"  community input: {len(DEMO_INPUT)} residents' comments")
