"""Awards and money: making awards, report periods, tranches, and totals that reconcile."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from grants.models import (
    ApplicationStatus,
    Award,
    AwardStatus,
    QuarterlyReport,
    ReportStatus,
    Tranche,
)
from grants.selectors.awards import money_overview
from grants.services.allocation import allocation_record
from grants.services.awards import award_close, report_periods, tranche_release
from grants.services.reports import report_approve
from tests.builders import approve, make_award, submit
from tests.factories import (
    ApplicationFactory,
    AreaFactory,
    FundFactory,
    FundingRoundFactory,
    OrganisationFactory,
)

D = Decimal

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------ award_create


def test_award_gets_a_report_for_each_calendar_quarter_it_overlaps(organisation_a):
    award = make_award(
        organisation_a,
        starts_on=date(2026, 2, 15),
        ends_on=date(2026, 11, 30),
        tranches=[("120000.00", date(2026, 2, 15), None)],
    )
    reports = list(award.reports.order_by("period_start"))
    assert [(r.period_start, r.period_end, r.due_on) for r in reports] == [
        (date(2026, 2, 15), date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 4, 1), date(2026, 6, 30), date(2026, 7, 30)),
        (date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 30)),
        (date(2026, 10, 1), date(2026, 11, 30), date(2027, 1, 30)),
    ]
    assert [r.quarter_label for r in reports] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026"]
    assert all(r.status == ReportStatus.NOT_STARTED for r in reports)


def test_report_due_dates_follow_the_setting(settings):
    settings.OVP_REPORT_DUE_DAYS = 45
    periods = report_periods(starts_on=date(2026, 12, 1), ends_on=date(2027, 1, 10))
    assert [(p.start, p.end, p.due_on) for p in periods] == [
        (date(2026, 12, 1), date(2026, 12, 31), date(2027, 2, 14)),
        (date(2027, 1, 1), date(2027, 1, 10), date(2027, 5, 15)),
    ]


def test_tranches_wait_for_the_reports_they_name(organisation_a):
    award = make_award(organisation_a)
    q1, q2 = award.reports.order_by("period_start")[:2]
    tranches = list(award.tranches.order_by("number"))
    assert [(t.number, t.amount, t.requires_report) for t in tranches] == [
        (1, D("40000.00"), None),
        (2, D("40000.00"), q1),
        (3, D("40000.00"), q2),
    ]
    assert [line.name for line in award.budget_lines.all()] == ["Outreach workers", "Supplies"]


def test_award_from_an_approved_application_keeps_the_link(organisation_a):
    area = AreaFactory()
    application = ApplicationFactory(
        organisation=organisation_a,
        status=ApplicationStatus.APPROVED,
        approved_amount=D("120000.00"),
    )
    award = make_award(
        organisation_a, application=application, fund=application.funding_round.fund, areas=[area]
    )
    assert award.application == application
    assert list(award.areas.all()) == [area]


REFUSALS = [
    (
        {"amount": "120000.00", "lines": [("Staff", "100000.00")]},
        "The budget lines add up to $100,000.00, not the award's $120,000.00.",
    ),
    (
        {"tranches": [("60000.00", date(2026, 1, 15), None)]},
        "The tranches add up to $60,000.00, not the award's $120,000.00.",
    ),
    (
        {"starts_on": date(2026, 6, 1), "ends_on": date(2026, 5, 31)},
        "The award ends before it starts.",
    ),
    (
        {"tranches": [("120000.00", date(2026, 1, 15), 5)]},
        "Tranche 1 requires report 5, but the award has 4 quarterly report(s) (1 to 4).",
    ),
    (
        {"lines": [("Staff", "60000.00"), ("Staff", "60000.00")]},
        "Two budget lines have the same name.",
    ),
    ({"amount": "0.00"}, "The award's amount must be above $0.00."),
]


@pytest.mark.parametrize(("changes", "message"), REFUSALS)
def test_award_create_refuses_inconsistent_money_and_dates(organisation_a, changes, message):
    with pytest.raises(ValidationError) as refused:
        make_award(organisation_a, **changes)
    assert message in refused.value.messages
    assert not Award.objects.exists()
    assert not QuarterlyReport.objects.exists()
    assert not Tranche.objects.exists()


def test_award_create_refuses_more_than_the_fund_has_available(organisation_a):
    fund = FundFactory(name="State CVI grant", total_budget=D("200000.00"))
    make_award(organisation_a, fund=fund)  # 120,000 obligated, 80,000 available
    with pytest.raises(ValidationError) as refused:
        make_award(organisation_a, fund=fund, title="Second award")
    assert refused.value.messages == [
        "State CVI grant has $80,000.00 available, less than the $120,000.00 of this award."
    ]
    assert Award.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "own", "message"),
    [
        (
            ApplicationStatus.SUBMITTED,
            True,
            "The application is submitted: only an approved application can be awarded.",
        ),
        (
            ApplicationStatus.APPROVED,
            False,
            "The application is from another organisation than the award's.",
        ),
    ],
)
def test_award_create_refuses_an_application_not_approved_or_of_another_organisation(
    organisation_a, organisation_b, status, own, message
):
    application = ApplicationFactory(
        organisation=organisation_a if own else organisation_b,
        status=status,
        approved_amount=D("120000.00") if status == ApplicationStatus.APPROVED else None,
    )
    with pytest.raises(ValidationError) as refused:
        make_award(organisation_a, application=application)
    assert refused.value.messages == [message]
    assert not Award.objects.exists()


def test_an_application_is_awarded_only_once(organisation_a):
    application = ApplicationFactory(
        organisation=organisation_a,
        status=ApplicationStatus.APPROVED,
        approved_amount=D("240000.00"),
    )
    fund = application.funding_round.fund
    make_award(organisation_a, application=application, fund=fund)
    with pytest.raises(ValidationError) as refused:
        make_award(organisation_a, application=application, fund=fund)
    assert refused.value.messages == ["This application already has an award."]


# ---------------------------------------------------------------------------------- tranches


def test_tranche_is_refused_until_its_report_is_approved(organisation_a, grantee_a, staff):
    award = make_award(organisation_a)
    waiting = award.tranches.get(number=2)
    q1 = waiting.requires_report
    with pytest.raises(ValidationError) as refused:
        tranche_release(tranche=waiting, user=staff)
    assert refused.value.messages == [
        "Tranche 2 waits for the Q1 2026 report to be approved; that report is not started."
    ]
    submit(q1, grantee_a)
    with pytest.raises(ValidationError, match="that report is submitted"):
        tranche_release(tranche=waiting, user=staff)
    waiting.refresh_from_db()
    assert waiting.released_at is None

    report_approve(report=q1, user=staff)
    released = tranche_release(tranche=waiting, user=staff)
    assert released.released_by == staff
    assert released.released_at is not None
    assert award.paid == D("40000.00")


def test_releasing_a_tranche_twice_pays_once(organisation_a, staff, office_admin):
    award = make_award(organisation_a)
    first = award.tranches.get(number=1)
    released = tranche_release(tranche=first, user=staff)
    again = tranche_release(tranche=first, user=office_admin)
    assert again.released_at == released.released_at
    assert again.released_by == staff
    assert award.paid == D("40000.00")
    assert award.remaining == D("80000.00")


def test_a_closed_award_releases_nothing(organisation_a, staff):
    award = make_award(organisation_a)
    award_close(award=award, user=staff)
    with pytest.raises(ValidationError, match="closed out"):
        tranche_release(tranche=award.tranches.get(number=1), user=staff)
    assert award.paid == D("0.00")


def test_close_out_waits_for_submitted_reports_to_be_reviewed(organisation_a, grantee_a, staff):
    award = make_award(organisation_a)
    submit(award.reports.order_by("period_start").first(), grantee_a)
    with pytest.raises(ValidationError) as refused:
        award_close(award=award, user=staff)
    assert refused.value.messages == ["Review the submitted report(s) first: Q1 2026."]
    award.refresh_from_db()
    assert award.status == AwardStatus.ACTIVE


# ------------------------------------------------------------------------------ money reconciles


def test_fund_and_award_totals_reconcile(organisation_a, organisation_b, grantee_a, staff):
    fund = FundFactory(total_budget=D("500000.00"))
    other_fund = FundFactory(total_budget=D("90000.00"))
    first = make_award(organisation_a, fund=fund)
    second = make_award(
        organisation_b,
        fund=fund,
        amount="75000.50",
        lines=[("Staff", "75000.50")],
        tranches=[("25000.25", date(2026, 2, 1), None), ("50000.25", date(2026, 6, 1), 1)],
    )
    third = make_award(
        organisation_b,
        fund=other_fund,
        amount="33333.33",
        lines=[("Staff", "33333.33")],
        tranches=[("11111.11", date(2026, 2, 1), None), ("22222.22", date(2026, 6, 1), None)],
    )
    approve(first.reports.order_by("period_start").first(), grantee_a, staff)
    for tranche in [
        first.tranches.get(number=1),
        first.tranches.get(number=2),
        second.tranches.get(number=1),
        third.tranches.get(number=2),
    ]:
        tranche_release(tranche=tranche, user=staff)

    fund.refresh_from_db()
    assert fund.obligated == D("195000.50")
    assert fund.disbursed == D("105000.25")
    assert fund.available == D("304999.50")
    assert other_fund.obligated == D("33333.33")
    assert other_fund.disbursed == D("22222.22")
    assert other_fund.available == D("56666.67")
    for award in (first, second, third):
        assert award.paid + award.remaining == award.amount
    assert (first.paid, second.paid, third.paid) == (D("80000.00"), D("25000.25"), D("22222.22"))

    overview = money_overview()
    by_fund = {row.fund.pk: row for row in overview.funds}
    assert (by_fund[fund.pk].obligated, by_fund[fund.pk].disbursed) == (
        fund.obligated,
        fund.disbursed,
    )
    assert by_fund[other_fund.pk].available == D("56666.67")
    assert overview.obligated == overview.awarded == D("228333.83")
    assert overview.disbursed == overview.paid == D("127222.47")
    assert overview.remaining == overview.awarded - overview.paid
    assert overview.available == overview.total_budget - overview.obligated
    assert all(isinstance(value, Decimal) for value in (overview.paid, overview.remaining))
    by_award = {award.pk: award for award in overview.awards}
    assert by_award[second.pk].remaining_total == D("50000.25")


def test_money_overview_reads_in_a_fixed_number_of_queries(
    organisation_a, django_assert_max_num_queries
):
    for n in range(5):
        make_award(organisation_a, title=f"Award {n}")
    with django_assert_max_num_queries(2):
        overview = money_overview()
        assert len(overview.awards) == 5
        assert overview.paid == D("0.00")


# ------------------------------------------------------------------------------------- views


def test_staff_see_funds_and_awards_with_their_money(client_for, staff, organisation_a):
    fund = FundFactory(name="City general fund 2026", total_budget=D("300000.00"))
    award = make_award(organisation_a, fund=fund)
    tranche_release(tranche=award.tranches.get(number=1), user=staff)
    page = client_for(staff).get("/grants/awards/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "City general fund 2026" in text
    assert "$120,000.00" in text  # obligated and the award's amount
    assert "$40,000.00" in text  # disbursed and paid
    assert "$180,000.00" in text  # available
    assert "$80,000.00" in text  # remaining


def test_staff_make_an_award_from_an_approved_application(client_for, staff, organisation_a):
    area = AreaFactory(name="Northside")
    application = ApplicationFactory(
        organisation=organisation_a,
        status=ApplicationStatus.APPROVED,
        approved_amount=D("50000.00"),
        title="Peace walks",
    )
    application.areas.add(area)
    client = client_for(staff)
    url = f"/grants/awards/new/?application={application.uuid}"
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="50000.00"' in form.content.decode()
    response = client.post(
        url,
        {
            "fund": application.funding_round.fund.pk,
            "title": "Peace walks 2026",
            "amount": "50000.00",
            "starts_on": "2026-04-01",
            "ends_on": "2027-03-31",
            "areas": [area.pk],
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "0",
            "lines-0-name": "Staff",
            "lines-0-amount": "50000.00",
            "lines-1-name": "",
            "lines-1-amount": "",
            "tranches-TOTAL_FORMS": "2",
            "tranches-INITIAL_FORMS": "0",
            "tranches-0-amount": "25000.00",
            "tranches-0-planned_on": "2026-04-15",
            "tranches-1-amount": "25000.00",
            "tranches-1-planned_on": "2026-08-15",
            "tranches-1-requires_report": "1",
        },
    )
    award = Award.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/grants/awards/{award.uuid}/"
    assert award.application == application
    assert award.organisation == organisation_a
    assert award.reports.count() == 4
    assert award.tranches.get(number=2).requires_report.quarter_label == "Q2 2026"


def test_award_form_shows_every_problem_and_saves_nothing(client_for, staff, organisation_a):
    fund = FundFactory()
    response = client_for(staff).post(
        "/grants/awards/new/",
        {
            "fund": fund.pk,
            "organisation": organisation_a.pk,
            "title": "Too much",
            "amount": "1000.00",
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-name": "Staff",
            "lines-0-amount": "900.00",
            "tranches-TOTAL_FORMS": "1",
            "tranches-INITIAL_FORMS": "0",
            "tranches-0-amount": "1000.00",
            "tranches-0-planned_on": "2026-01-15",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "The award was not made: 1 problem to correct." in text
    assert "The budget lines add up to $900.00, not the award&#x27;s $1,000.00." in text
    assert not Award.objects.exists()


def test_an_unknown_or_malformed_application_answers_404(client_for, staff):
    client = client_for(staff)
    assert client.get("/grants/awards/new/?application=not-a-uuid").status_code == 404
    assert (
        client.get(
            "/grants/awards/new/?application=00000000-0000-0000-0000-000000000000"
        ).status_code
        == 404
    )


def test_staff_release_a_tranche_from_the_award_page(client_for, staff, organisation_a):
    award = make_award(organisation_a)
    client = client_for(staff)
    waiting = award.tranches.get(number=2)
    refused = client.post(f"/grants/tranches/{waiting.uuid}/release/", follow=True)
    assert "Tranche 2 waits for the Q1 2026 report to be approved" in refused.content.decode()
    ready = award.tranches.get(number=1)
    released = client.post(f"/grants/tranches/{ready.uuid}/release/", follow=True)
    assert "Tranche 1 released: $40,000.00." in released.content.decode()
    ready.refresh_from_db()
    assert ready.released_by == staff
    assert client.get(f"/grants/tranches/{ready.uuid}/release/").status_code == 405


def test_staff_close_out_an_award(client_for, staff, organisation_a):
    award = make_award(organisation_a)
    response = client_for(staff).post(f"/grants/awards/{award.uuid}/close/", follow=True)
    assert "is closed out." in response.content.decode()
    award.refresh_from_db()
    assert award.status == AwardStatus.CLOSED


def test_grantee_sees_only_their_organisations_awards(
    client_for, grantee_a, organisation_a, organisation_b
):
    make_award(organisation_a, title="Our outreach award")
    make_award(organisation_b, title="Their hospital award")
    page = client_for(grantee_a).get("/portal/awards/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Our outreach award" in text
    assert "Their hospital award" not in text
    assert "Remaining <strong>$120,000.00</strong>" in text
    assert "Waiting for the Q1 2026 report" in text


OFFICE_PAGES = [
    ("get", "/grants/awards/"),
    ("get", "/grants/awards/new/"),
    ("get", "/grants/awards/{award}/"),
    ("post", "/grants/awards/{award}/close/"),
    ("post", "/grants/tranches/{tranche}/release/"),
]


@pytest.mark.parametrize(("method", "path"), OFFICE_PAGES)
@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_grantees_and_board_members_get_403_on_office_award_pages(
    request, client_for, organisation_a, persona, method, path
):
    award = make_award(organisation_a)
    url = path.format(award=award.uuid, tranche=award.tranches.get(number=1).uuid)
    user = request.getfixturevalue(persona)
    assert getattr(client_for(user), method)(url).status_code == 403
    assert not Tranche.objects.filter(released_at__isnull=False).exists()
    assert Award.objects.get().status == AwardStatus.ACTIVE


def test_staff_see_the_award_detail_with_tranches_and_reports(client_for, staff):
    award = make_award(OrganisationFactory(name="Northside Peacekeepers"))
    page = client_for(staff).get(f"/grants/awards/{award.uuid}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Northside Peacekeepers" in text
    assert "Ready to release" in text
    assert "Waiting for the Q2 2026 report" in text
    assert text.count("Not started") == 4


# ----------------------------------------------------------- an award is tied to the decision


def approved_application(organisation, *, approved="100000.00", **round_fields):
    funding_round = FundingRoundFactory(**round_fields)
    return ApplicationFactory(
        organisation=organisation,
        funding_round=funding_round,
        status=ApplicationStatus.APPROVED,
        approved_amount=D(approved),
    )


def award_of(application, amount: str, **kwargs):
    return make_award(
        application.organisation,
        application=application,
        fund=application.funding_round.fund,
        amount=amount,
        lines=[("Staff", amount)],
        tranches=[(amount, date(2026, 1, 15), None)],
        **kwargs,
    )


def test_an_award_from_an_application_is_at_most_the_amount_approved(organisation_a):
    application = approved_application(organisation_a, approved="100000.00")

    with pytest.raises(ValidationError) as refused:
        award_of(application, "100000.01")

    assert refused.value.messages == ["$100,000.01 is more than the amount approved, $100,000.00."]
    assert award_of(application, "100000.00").amount == D("100000.00")


def test_an_award_from_an_allocated_application_is_at_most_its_final_amount(organisation_a, staff):
    application = approved_application(organisation_a, approved="100000.00")
    allocation_record(
        funding_round=application.funding_round,
        amounts={application.pk: D("60000.00")},
        proposed={},
        user=staff,
    )

    with pytest.raises(ValidationError) as refused:
        award_of(application, "60000.01")

    assert refused.value.messages == [
        "$60,000.01 is more than the allocation's final amount, $60,000.00."
    ]
    assert not Award.objects.exists()


def test_an_award_is_at_most_the_rounds_largest_award(organisation_a):
    application = approved_application(
        organisation_a, approved="100000.00", max_award=D("75000.00")
    )

    with pytest.raises(ValidationError) as refused:
        award_of(application, "80000.00")

    assert refused.value.messages == [
        "$80,000.00 is more than the round's largest award, $75,000.00."
    ]


def test_a_rounds_awards_stay_within_its_budget(organisation_a, organisation_b):
    first = approved_application(organisation_a, approved="70000.00", budget=D("100000.00"))
    second = ApplicationFactory(
        organisation=organisation_b,
        funding_round=first.funding_round,
        status=ApplicationStatus.APPROVED,
        approved_amount=D("50000.00"),
    )
    award_of(first, "70000.00")

    with pytest.raises(ValidationError) as refused:
        award_of(second, "30000.01")

    assert refused.value.messages == [
        f"{first.funding_round.name} has awarded $70,000.00 of its $100,000.00 budget: "
        "$30,000.00 is left, less than $30,000.01."
    ]
    assert award_of(second, "30000.00").amount == D("30000.00")


def test_an_award_from_an_application_is_paid_from_the_rounds_fund(organisation_a):
    application = approved_application(organisation_a)
    other_fund = FundFactory(name="Some other fund")

    award = make_award(
        organisation_a,
        application=application,
        fund=other_fund,
        amount="100000.00",
        lines=[("Staff", "100000.00")],
        tranches=[("100000.00", date(2026, 1, 15), None)],
    )

    assert award.fund == application.funding_round.fund
    assert other_fund.obligated == D("0.00")


def test_the_award_form_from_an_application_ignores_another_fund_and_says_the_cap(
    client_for, staff, organisation_a
):
    application = approved_application(organisation_a, approved="50000.00")
    other_fund = FundFactory(name="Some other fund")
    client = client_for(staff)
    url = f"/grants/awards/new/?application={application.uuid}"

    assert "at most $50,000.00 (the amount approved)" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "fund": other_fund.pk,
            "title": "Peace walks 2026",
            "amount": "50000.00",
            "starts_on": "2026-04-01",
            "ends_on": "2026-12-31",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-name": "Staff",
            "lines-0-amount": "50000.00",
            "tranches-TOTAL_FORMS": "1",
            "tranches-INITIAL_FORMS": "0",
            "tranches-0-amount": "50000.00",
            "tranches-0-planned_on": "2026-04-15",
        },
    )

    assert response.status_code == 302
    assert Award.objects.get().fund == application.funding_round.fund


# -------------------------------------------------------------- the award's period is limited


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "message"),
    [
        (date(9999, 10, 1), date(9999, 12, 31), "The award must end by 9998-12-31."),
        (
            date(1900, 1, 1),
            date(9998, 12, 31),
            "An award runs at most 10 years: from 1900-01-01 it must end by 1909-12-31.",
        ),
        (
            date(2026, 1, 1),
            date(2036, 1, 1),
            "An award runs at most 10 years: from 2026-01-01 it must end by 2035-12-31.",
        ),
    ],
)
def test_an_award_period_is_at_most_ten_years_and_ends_before_9999(
    organisation_a, starts_on, ends_on, message
):
    with pytest.raises(ValidationError) as refused:
        make_award(
            organisation_a,
            starts_on=starts_on,
            ends_on=ends_on,
            tranches=[("120000.00", starts_on, None)],
        )

    assert refused.value.messages == [message]
    assert not QuarterlyReport.objects.exists()


def test_a_ten_year_award_gets_its_forty_reports(organisation_a):
    award = make_award(
        organisation_a,
        starts_on=date(2026, 1, 1),
        ends_on=date(2035, 12, 31),
        tranches=[("120000.00", date(2026, 1, 15), None)],
    )
    assert award.reports.count() == 40


def test_the_award_form_refuses_an_award_ending_late_in_9999_with_a_message(
    client_for, staff, organisation_a
):
    response = client_for(staff).post(
        "/grants/awards/new/",
        {
            "fund": FundFactory().pk,
            "organisation": organisation_a.pk,
            "title": "Forever",
            "amount": "1000.00",
            "starts_on": "9999-10-01",
            "ends_on": "9999-12-31",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-name": "Staff",
            "lines-0-amount": "1000.00",
            "tranches-TOTAL_FORMS": "1",
            "tranches-INITIAL_FORMS": "0",
            "tranches-0-amount": "1000.00",
            "tranches-0-planned_on": "9999-10-15",
        },
    )

    assert response.status_code == 200
    assert "The award must end by 9998-12-31." in response.content.decode()
    assert not Award.objects.exists()


# ------------------------------------------------------ close-out gives unreleased money back


def test_closing_out_gives_the_unreleased_money_back_to_the_fund(organisation_a, staff):
    fund = FundFactory(total_budget=D("500000.00"))
    award = make_award(organisation_a, fund=fund)  # $120,000 in three tranches of $40,000
    tranche_release(tranche=award.tranches.get(number=1), user=staff)
    assert fund.available == D("380000.00")

    award_close(award=award, user=staff)

    award.refresh_from_db()
    assert award.amount == D("120000.00")  # as made
    assert award.deobligated == D("80000.00")
    assert (award.obligated, award.paid, award.remaining) == (
        D("40000.00"),
        D("40000.00"),
        D("0.00"),
    )
    assert (fund.obligated, fund.disbursed, fund.available) == (
        D("40000.00"),
        D("40000.00"),
        D("460000.00"),
    )
    overview = money_overview()
    assert overview.obligated == overview.awarded == D("40000.00")
    assert overview.amounts == overview.deobligated + overview.paid + overview.remaining
    assert overview.disbursed == overview.paid == D("40000.00")
    assert overview.remaining == D("0.00")


def test_the_award_page_shows_what_close_out_gave_back(client_for, staff, organisation_a):
    award = make_award(organisation_a)
    award_close(award=award, user=staff)
    page = client_for(staff).get(f"/grants/awards/{award.uuid}/").content.decode()
    assert 'data-testid="award-deobligated">$120,000.00' in page
    assert 'data-testid="award-remaining">$0.00' in page


# -------------------------------------------------------------- two releases at once pay once


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_releases_of_one_tranche_pay_once(organisation_a, staff, office_admin):
    award = make_award(organisation_a)
    tranche = award.tranches.get(number=1)
    barrier = threading.Barrier(2)
    results: list[object] = []

    def release(user) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(tranche_release(tranche=Tranche.objects.get(pk=tranche.pk), user=user))
        except Exception as error:  # reported below
            results.append(error)
        finally:
            connection.close()  # each thread has its own database connection

    threads = [threading.Thread(target=release, args=(user,)) for user in (staff, office_admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert all(isinstance(result, Tranche) for result in results), results
    assert len(results) == 2
    released = [result for result in results if isinstance(result, Tranche)]
    # both saw the same release: one made it, the other found it made
    assert len({(t.released_at, t.released_by_id) for t in released}) == 1
    award.refresh_from_db()
    assert award.paid == D("40000.00")
    assert Tranche.objects.filter(award=award, released_at__isnull=False).count() == 1
