from ovp.accounts.models import User
from ovp.core.demo import DemoCity, demo_seeder
from stakeholders.models import Organisation, Sector

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
    for email, organisation_name in GRANTEE_ORGANISATIONS.items():
        organisation = Organisation.objects.get(name=organisation_name)
        user = User.objects.get(email=email)
        user.organisations.set([organisation])
    city.log(f"  organisations: {len(DEMO_ORGANISATIONS)}")
