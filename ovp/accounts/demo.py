from ovp.accounts.models import Role
from ovp.accounts.services import user_upsert
from ovp.core.demo import DemoCity, demo_seeder

DEMO_PASSWORD = "ovp-demo"  # noqa: S105  # nosec B105  # the published demo password, refused in production

# (email, role, full name)
DEMO_USERS = [
    ("admin@demo.ovp", Role.ADMIN, "Alex Administrator"),
    ("staff@demo.ovp", Role.STAFF, "Sam Analyst"),
    ("grantee.a@demo.ovp", Role.GRANTEE, "Grace Avery"),
    ("grantee.b@demo.ovp", Role.GRANTEE, "Ben Okafor"),
    ("board@demo.ovp", Role.BOARD, "Rita Boardman"),
]
DEMO_LOGINS = [
    (email, Role(role).label + (f" ({name})" if role == Role.GRANTEE else ""))
    for email, role, name in DEMO_USERS
]


@demo_seeder
def seed_users(city: DemoCity) -> None:
    for email, role, name in DEMO_USERS:
        user_upsert(email=email, role=role, password=DEMO_PASSWORD, full_name=name)
    city.log(f"  users: {len(DEMO_USERS)}")
