"""Organisations working on gun violence in the city, and the users who act for them."""

import uuid

from django.conf import settings
from django.db import models


class Sector(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    PUBLIC_HEALTH = "public_health", "Public health"
    HOSPITAL = "hospital", "Hospital"
    EDUCATION = "education", "Education"
    SOCIAL_SERVICES = "social_services", "Social services"
    RESEARCH = "research", "Research"
    CITY_DATA = "city_data", "City IT / data"
    COMMUNITY = "community", "Community organisation"
    FAITH = "faith", "Faith"
    BUSINESS = "business", "Business"
    GOVERNMENT = "government", "Other government"
    OTHER = "other", "Other"


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_member(self, user: object) -> "OrganisationQuerySet":
        """The organisations a user acts for (a grantee's own)."""
        return self.filter(members=user)


class Organisation(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=200, unique=True)
    sector = models.CharField(max_length=32, choices=Sector.choices)
    description = models.TextField(blank=True)
    website = models.URLField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="organisations",
        help_text="Users who act for this organisation (grantee accounts).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
