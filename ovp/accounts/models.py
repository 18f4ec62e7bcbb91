"""Users of the portal, keyed by email, each with one role."""

import uuid

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    ADMIN = "admin", "Office administrator"
    STAFF = "staff", "Office staff"
    GRANTEE = "grantee", "Grantee"
    BOARD = "board", "Advisory board member"


OFFICE_ROLES = (Role.ADMIN, Role.STAFF)


class UserQuerySet(models.QuerySet["User"]):
    def office(self) -> "UserQuerySet":
        return self.filter(role__in=OFFICE_ROLES)

    def active(self) -> "UserQuerySet":
        return self.filter(is_active=True)


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    def get_by_natural_key(self, username: str | None) -> "User":
        # people type their email in any case; it is stored lower-cased, so it is looked up
        # lower-cased exactly as the lockout counts it (ovp/accounts/throttling.py): not
        # with Postgres's UPPER(), which makes look-alikes (long s, dotless i) the same account
        return self.get(email=(username or "").strip().lower())

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        fields.setdefault("role", Role.STAFF)
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.pop("is_staff", None)  # what createsuperuser passes: the role gives both
        fields.pop("is_superuser", None)
        fields.update(role=Role.ADMIN)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []  # type: ignore[misc]

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.strip().lower()

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Django admin access and every permission are the administrator's role itself, not flags
    # of their own that could stay ticked when the role changes (is_superuser replaces
    # PermissionsMixin's field of that name)
    @property
    def is_staff(self) -> bool:
        """May use Django admin: office administrators only."""
        return self.role == Role.ADMIN

    @property
    def is_superuser(self) -> bool:  # type: ignore[override]
        """Holds every permission: office administrators only."""
        return self.role == Role.ADMIN

    @property
    def is_office(self) -> bool:
        """Office staff or administrator: the people who run the portal."""
        return self.is_active and self.role in OFFICE_ROLES

    @property
    def is_office_admin(self) -> bool:
        return self.is_active and self.role == Role.ADMIN

    @property
    def is_grantee(self) -> bool:
        return self.is_active and self.role == Role.GRANTEE

    @property
    def is_board_member(self) -> bool:
        return self.is_active and self.role == Role.BOARD
