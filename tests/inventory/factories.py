from datetime import date

import factory

from inventory.models import Evidence, Program, ProgramStatus, ServiceArea, Strategy, Tier
from tests.factories import AreaFactory, OrganisationFactory


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    lead_organisation = factory.SubFactory(OrganisationFactory)
    strategy = Strategy.STREET_OUTREACH
    tier = Tier.INTERVENTION
    evidence = Evidence.PROMISING
    status = ProgramStatus.ACTIVE


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea

    program = factory.SubFactory(ProgramFactory)
    area = factory.SubFactory(AreaFactory)
    started_on = date(2024, 1, 1)
