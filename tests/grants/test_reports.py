"""Quarterly reports: consistency checks, drafts, locking, review, versions, attachments,
reminders, and who may reach what."""

from datetime import UTC, date, datetime
from decimal import Decimal
from smtplib import SMTPException

import pytest
import time_machine
from celery.exceptions import Retry
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from grants.models import METRIC_MAX, ReportAttachment, ReportStatus, ReportVersion, Spending
from grants.services.reports import (
    RemindersNotSent,
    report_approve,
    report_attachment_add,
    report_attachment_remove,
    report_return,
    report_save_draft,
    report_submit,
    reports_send_reminders,
)
from grants.tasks import reports_send_reminders as reminders_task
from tests.builders import FULL_METRICS, approve, make_award, submit
from tests.factories import GranteeFactory

D = Decimal

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def award(organisation_a):
    return make_award(organisation_a)


@pytest.fixture
def q1(award):
    return award.reports.order_by("period_start")[0]


def lines(award) -> dict[str, int]:
    return {line.name: line.pk for line in award.budget_lines.all()}


def draft(report, user, *, spending=None, narrative="", **metrics):
    return report_save_draft(
        report=report, metrics=metrics, spending=spending or {}, narrative=narrative, user=user
    )


# ------------------------------------------------------------------------------ consistency


@pytest.mark.parametrize(
    ("metrics", "field", "message"),
    [
        (
            {"participants_enrolled": -1},
            "participants_enrolled",
            "Participants enrolled cannot be negative.",
        ),
        (
            {"referrals_made": 4, "referrals_completed": 5},
            "referrals_completed",
            "Referrals completed (5) cannot be more than referrals made (4).",
        ),
        (
            {"participants_active": 3, "participants_reinjured": 4},
            "participants_reinjured",
            "Participants re-injured (4) cannot be more than participants active (3).",
        ),
        ({"outreach_contacts": -5}, "outreach_contacts", "Outreach contacts cannot be negative."),
    ],
)
def test_inconsistent_counts_are_refused_with_a_clear_message(
    q1, grantee_a, metrics, field, message
):
    with pytest.raises(ValidationError) as refused:
        draft(q1, grantee_a, **metrics)
    assert refused.value.message_dict == {field: [message]}
    q1.refresh_from_db()
    assert q1.status == ReportStatus.NOT_STARTED
    assert q1.participants_enrolled is None


def test_spending_cannot_pass_what_is_left_on_a_budget_line(award, q1, grantee_a, staff):
    supplies = lines(award)["Supplies"]  # $40,000 budgeted
    approve(q1, grantee_a, staff, spending={supplies: D("30000.00")})
    q2 = award.reports.order_by("period_start")[1]
    with pytest.raises(ValidationError) as refused:
        draft(q2, grantee_a, spending={supplies: D("10000.01")})
    assert refused.value.message_dict == {
        f"line_{supplies}": [
            "Spending on Supplies ($10,000.01) is more than the $10,000.00 left on that line "
            "($40,000.00 budgeted, $30,000.00 reported in other quarters)."
        ]
    }
    assert not Spending.objects.filter(report=q2).exists()
    draft(q2, grantee_a, spending={supplies: D("10000.00")})
    assert Spending.objects.get(report=q2).amount == D("10000.00")


def test_negative_spending_is_refused(award, q1, grantee_a):
    staff_line = lines(award)["Outreach workers"]
    with pytest.raises(ValidationError) as refused:
        draft(q1, grantee_a, spending={staff_line: D("-1.00")})
    assert refused.value.message_dict == {
        f"line_{staff_line}": ["Spending on Outreach workers cannot be negative."]
    }


def test_a_draft_may_be_partial_but_a_submission_needs_every_metric(q1, grantee_a):
    kept = draft(q1, grantee_a, participants_enrolled=12, narrative="Half done")
    assert (kept.status, kept.participants_enrolled, kept.narrative) == (
        ReportStatus.DRAFT,
        12,
        "Half done",
    )
    with pytest.raises(ValidationError) as refused:
        submit(q1, grantee_a, staff_caseload=None, narrative="  ")
    assert refused.value.message_dict == {
        "staff_caseload": ["Caseload per worker: required to submit the report (0 if none)."],
        "narrative": ["Narrative: required to submit the report: say what happened this quarter."],
    }
    q1.refresh_from_db()
    assert q1.status == ReportStatus.DRAFT
    assert not ReportVersion.objects.exists()


def test_a_submitted_report_is_locked(q1, grantee_a):
    submit(q1, grantee_a)
    q1.refresh_from_db()
    assert q1.status == ReportStatus.SUBMITTED
    with pytest.raises(ValidationError, match="is locked while the office reviews it"):
        draft(q1, grantee_a, participants_enrolled=99)
    with pytest.raises(ValidationError, match="is locked"):
        submit(q1, grantee_a)
    q1.refresh_from_db()
    assert q1.participants_enrolled == FULL_METRICS["participants_enrolled"]
    assert q1.versions.count() == 1


def test_return_and_resubmit_keep_every_version(q1, grantee_a, staff):
    submit(q1, grantee_a, participants_enrolled=40, participants_active=45 - 15)
    with pytest.raises(ValidationError) as refused:
        report_return(report=q1, user=staff, comment=" ")
    assert refused.value.message_dict == {"comment": ["Say what the grantee should change."]}
    report_return(report=q1, user=staff, comment="Referrals look low: check the count.")
    q1.refresh_from_db()
    assert q1.status == ReportStatus.RETURNED
    assert q1.review_comment == "Referrals look low: check the count."

    submit(q1, grantee_a, referrals_made=35, referrals_completed=30)
    report_approve(report=q1, user=staff)
    versions = list(q1.versions.order_by("number"))
    assert [(v.number, v.outcome, v.review_comment) for v in versions] == [
        (1, ReportStatus.RETURNED, "Referrals look low: check the count."),
        (2, ReportStatus.APPROVED, ""),
    ]
    assert versions[0].content["metrics"]["referrals_made"] == 20
    assert versions[1].content["metrics"]["referrals_made"] == 35
    q1.refresh_from_db()
    assert q1.status == ReportStatus.APPROVED
    with pytest.raises(ValidationError, match="Only a submitted report can be reviewed"):
        report_return(report=q1, user=staff, comment="Again")


def test_version_content_keeps_spending_as_exact_money(award, q1, grantee_a):
    supplies = lines(award)["Supplies"]
    version = submit(q1, grantee_a, spending={supplies: D("1234.56")})
    assert version.content["spending"] == [{"budget_line": "Supplies", "amount": "1234.56"}]


# ------------------------------------------------------------------------------ attachments


def test_attachments_of_allowed_types_are_kept(q1, grantee_a):
    attachment = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("sign-in sheet.pdf", PDF), user=grantee_a
    )
    assert attachment.name == "sign-in sheet.pdf"
    assert attachment.size == len(PDF)
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "run.exe",
            b"MZ",
            "run.exe: this type of file is not accepted; send one of: csv, docx, jpg, pdf, png, "
            "xlsx.",
        ),
        ("notes.pdf", b"<html>not a pdf</html>", "notes.pdf does not look like a PDF file."),
        ("data.csv", b"a,b\x00c", "data.csv does not look like a CSV file (it holds binary data)."),
    ],
)
def test_attachments_of_other_types_are_refused(q1, grantee_a, name, content, message):
    with pytest.raises(ValidationError) as refused:
        report_attachment_add(report=q1, upload=SimpleUploadedFile(name, content), user=grantee_a)
    assert refused.value.message_dict == {"file": [message]}
    assert not ReportAttachment.objects.exists()


def test_attachments_over_the_size_limit_are_refused(q1, grantee_a, settings):
    settings.OVP_GRANT_UPLOAD_MAX_MB = 1
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError) as refused:
        report_attachment_add(report=q1, upload=big, user=grantee_a)
    assert refused.value.messages == ["scan.pdf is larger than 1 MB."]


# ------------------------------------------------------------------------------------ views


def test_grantee_saves_a_draft_then_submits_through_the_form(client_for, award, q1, grantee_a):
    client = client_for(grantee_a)
    url = f"/portal/reports/{q1.uuid}/"
    assert client.get(url).status_code == 200
    supplies = lines(award)["Supplies"]
    saved = client.post(url, {"action": "save", "participants_enrolled": "8"}, follow=True)
    assert "Draft saved." in saved.content.decode()
    q1.refresh_from_db()
    assert (q1.status, q1.participants_enrolled) == (ReportStatus.DRAFT, 8)

    refused = client.post(
        url,
        {"action": "submit", **FULL_METRICS, "referrals_completed": 99, "narrative": "Done"},
    )
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Referrals completed (99) cannot be more than referrals made (20)." in text
    q1.refresh_from_db()
    assert q1.status == ReportStatus.DRAFT

    done = client.post(
        url,
        {"action": "submit", **FULL_METRICS, f"line_{supplies}": "500.00", "narrative": "Done"},
    )
    assert done.status_code == 302
    q1.refresh_from_db()
    assert q1.status == ReportStatus.SUBMITTED
    locked = client.post(url, {"action": "save", "participants_enrolled": "1"}, follow=True)
    assert "is locked while the office reviews it" in locked.content.decode()
    q1.refresh_from_db()
    assert q1.participants_enrolled == 40


def test_malformed_figures_get_a_message_not_an_error(client_for, q1, grantee_a):
    response = client_for(grantee_a).post(
        f"/portal/reports/{q1.uuid}/", {"action": "save", "participants_enrolled": "lots"}
    )
    assert response.status_code == 200
    assert "Enter a whole number." in response.content.decode()


def test_grantee_sees_the_offices_comment_on_a_returned_report(client_for, q1, grantee_a, staff):
    submit(q1, grantee_a)
    report_return(report=q1, user=staff, comment="Please add the Q1 outreach log.")
    page = client_for(grantee_a).get(f"/portal/reports/{q1.uuid}/").content.decode()
    assert "The office returned this report for revision" in page
    assert "Please add the Q1 outreach log." in page
    assert "Version 1, submitted" in page


def test_staff_return_a_report_with_a_comment(client_for, q1, grantee_a, staff):
    submit(q1, grantee_a)
    client = client_for(staff)
    url = f"/grants/reports/{q1.uuid}/"
    page = client.get(url)
    assert page.status_code == 200
    assert "Waiting for review" in page.content.decode()
    refused = client.post(url, {"decision": "return", "comment": ""})
    assert "Say what the grantee should change." in refused.content.decode()
    q1.refresh_from_db()
    assert q1.status == ReportStatus.SUBMITTED
    client.post(url, {"decision": "return", "comment": "Count again."})
    q1.refresh_from_db()
    assert (q1.status, q1.reviewed_by) == (ReportStatus.RETURNED, staff)


def test_attachments_are_uploaded_and_downloaded_through_checked_views(
    client_for, q1, grantee_a, grantee_b, staff, board_member, client
):
    grantee = client_for(grantee_a)
    grantee.post(
        f"/portal/reports/{q1.uuid}/attachments/",
        {"file": SimpleUploadedFile("log.pdf", PDF, content_type="application/pdf")},
    )
    attachment = ReportAttachment.objects.get()
    url = f"/grants/report-attachments/{attachment.uuid}/"
    own = grantee.get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == PDF
    assert own["Content-Disposition"].startswith("attachment;")
    assert client_for(staff).get(url).status_code == 200
    assert client_for(grantee_b).get(url).status_code == 404
    assert client_for(board_member).get(url).status_code == 403
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_a_refused_upload_says_why(client_for, q1, grantee_a):
    response = client_for(grantee_a).post(
        f"/portal/reports/{q1.uuid}/attachments/",
        {"file": SimpleUploadedFile("macro.xlsm", b"PK\x03\x04")},
        follow=True,
    )
    assert "macro.xlsm: this type of file is not accepted" in response.content.decode()
    assert not ReportAttachment.objects.exists()


def test_grantee_of_another_organisation_reaches_nothing_of_a_report(
    client_for, q1, grantee_a, grantee_b
):
    attachment = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("log.pdf", PDF), user=grantee_a
    )
    outsider = client_for(grantee_b)
    assert outsider.get(f"/portal/reports/{q1.uuid}/").status_code == 404
    assert (
        outsider.post(
            f"/portal/reports/{q1.uuid}/", {"action": "save", "participants_enrolled": "1"}
        ).status_code
        == 404
    )
    assert (
        outsider.post(
            f"/portal/reports/{q1.uuid}/attachments/", {"file": SimpleUploadedFile("x.pdf", PDF)}
        ).status_code
        == 404
    )
    assert outsider.post(f"/portal/report-attachments/{attachment.uuid}/remove/").status_code == 404
    assert outsider.get(f"/grants/report-attachments/{attachment.uuid}/").status_code == 404
    q1.refresh_from_db()
    assert q1.participants_enrolled is None
    assert ReportAttachment.objects.count() == 1


def test_grantee_removes_an_attachment_while_the_report_is_editable(client_for, q1, grantee_a):
    attachment = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("old.pdf", PDF), user=grantee_a
    )
    client_for(grantee_a).post(f"/portal/report-attachments/{attachment.uuid}/remove/")
    assert not ReportAttachment.objects.exists()


@pytest.mark.parametrize("persona", ["grantee_a", "board_member"])
def test_grantees_and_board_members_get_403_on_the_review_page(request, client_for, q1, persona):
    user = request.getfixturevalue(persona)
    client = client_for(user)
    assert client.get(f"/grants/reports/{q1.uuid}/").status_code == 403
    assert client.post(f"/grants/reports/{q1.uuid}/", {"decision": "approve"}).status_code == 403


# -------------------------------------------------------------------------------- reminders


@pytest.fixture
def colleague(organisation_a):
    return GranteeFactory(email="colleague.a@example.org", organisation=organisation_a)


def test_members_are_reminded_a_week_before_the_due_date(q1, grantee_a, colleague, grantee_b):
    assert q1.due_on == date(2026, 4, 30)
    assert reports_send_reminders(today=date(2026, 4, 22)) == 0
    assert reports_send_reminders(today=date(2026, 4, 23)) == 1
    (email,) = mail.outbox
    assert email.to == ["colleague.a@example.org", "grantee.a@example.org"]
    assert email.subject == "Due 2026-04-30: quarterly report Q1 2026 for Street outreach 2026"
    assert f"/portal/reports/{q1.uuid}/" in email.body
    q1.refresh_from_db()
    assert q1.reminded_on == date(2026, 4, 23)
    # once is enough until it is overdue
    assert reports_send_reminders(today=date(2026, 4, 23)) == 0
    assert reports_send_reminders(today=date(2026, 4, 28)) == 0
    assert len(mail.outbox) == 1


def test_overdue_reports_are_chased_the_day_after_and_weekly(q1, grantee_a):
    reports_send_reminders(today=date(2026, 4, 23))
    assert reports_send_reminders(today=date(2026, 5, 1)) == 1
    assert mail.outbox[-1].subject.startswith("Overdue: quarterly report Q1 2026")
    assert "was due on 2026-04-30, 1 day ago" in mail.outbox[-1].body
    assert reports_send_reminders(today=date(2026, 5, 1)) == 0  # one a day at most
    assert reports_send_reminders(today=date(2026, 5, 7)) == 0
    assert reports_send_reminders(today=date(2026, 5, 8)) == 1
    assert len(mail.outbox) == 3


def test_submitted_reports_get_no_reminder(q1, grantee_a):
    submit(q1, grantee_a)
    assert reports_send_reminders(today=date(2026, 5, 3)) == 0
    assert mail.outbox == []


def test_the_daily_task_reminds_as_of_the_office_date(q1, grantee_a):
    with time_machine.travel(datetime(2026, 4, 23, 12, tzinfo=UTC), tick=False):
        assert reminders_task.apply().get() == 1
    q1.refresh_from_db()
    assert q1.reminded_on == date(2026, 4, 23)
    assert mail.outbox[0].to == ["grantee.a@example.org"]


# --------------------------------------------------------------------- metrics have a ceiling


def test_a_metric_above_the_ceiling_is_refused_by_the_service(q1, grantee_a):
    with pytest.raises(ValidationError) as refused:
        draft(q1, grantee_a, outreach_contacts=METRIC_MAX + 1)
    assert refused.value.message_dict == {
        "outreach_contacts": [
            "Outreach contacts (1,000,001) is more than a quarter's report can count "
            "(1,000,000): check the figure."
        ]
    }
    draft(q1, grantee_a, outreach_contacts=METRIC_MAX)  # the ceiling itself is accepted


def test_the_form_says_so_for_a_figure_the_database_could_not_hold(client_for, q1, grantee_a):
    response = client_for(grantee_a).post(
        f"/portal/reports/{q1.uuid}/", {"action": "save", "participants_enrolled": "2147483647"}
    )
    assert response.status_code == 200
    assert "is more than a quarter&#x27;s report can count" in response.content.decode()
    q1.refresh_from_db()
    assert q1.participants_enrolled is None


# ----------------------------------------------------- a quarter not over cannot be submitted


def test_a_report_is_submitted_only_once_its_quarter_is_over(q1, grantee_a):
    assert q1.period_end == date(2026, 3, 31)
    with pytest.raises(ValidationError) as refused:
        report_submit(report=q1, metrics=FULL_METRICS, spending={}, narrative="Early",
                      user=grantee_a, today=date(2026, 3, 31))  # fmt: skip
    assert refused.value.messages == [
        "The Q1 2026 report can be submitted from 2026-04-01, once its quarter is over; save a "
        "draft until then."
    ]
    q1.refresh_from_db()
    assert q1.status == ReportStatus.NOT_STARTED and not q1.versions.exists()
    draft(q1, grantee_a, participants_enrolled=3)  # a draft is fine before
    report_submit(report=q1, metrics=FULL_METRICS, spending={}, narrative="On time",
                  user=grantee_a, today=date(2026, 4, 1))  # fmt: skip
    q1.refresh_from_db()
    assert q1.status == ReportStatus.SUBMITTED


def test_future_quarters_show_when_they_open_instead_of_fill_in(client_for, award, grantee_a):
    with time_machine.travel(datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False):
        page = client_for(grantee_a).get("/portal/awards/").content.decode()
        q2 = award.reports.order_by("period_start")[1]
        form = client_for(grantee_a).get(f"/portal/reports/{q2.uuid}/").content.decode()
    assert 'aria-label="Fill in the Q1 2026 report"' in page
    assert "Opens on 1 Jul 2026" in page and "Opens on 1 Oct 2026" in page
    assert 'aria-label="Fill in the Q2 2026 report"' not in page
    assert "submit the report from 1 July 2026" in form
    assert 'value="submit"' not in form


def test_submitting_early_through_the_form_keeps_the_figures_typed(client_for, award, grantee_a):
    q2 = award.reports.order_by("period_start")[1]
    with time_machine.travel(datetime(2026, 5, 10, 12, tzinfo=UTC), tick=False):
        response = client_for(grantee_a).post(
            f"/portal/reports/{q2.uuid}/", {"action": "submit", **FULL_METRICS, "narrative": "x"}
        )
    assert response.status_code == 200
    text = response.content.decode()
    assert "can be submitted from 2026-07-01" in text
    assert 'value="250"' in text  # outreach contacts as typed
    q2.refresh_from_db()
    assert q2.status == ReportStatus.NOT_STARTED


# ------------------------------------------------------- attachments stay with their versions


def test_an_attachment_a_version_included_cannot_be_removed(q1, grantee_a, staff):
    kept = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("sheet.pdf", PDF), user=grantee_a
    )
    version = submit(q1, grantee_a)
    report_return(report=q1, user=staff, comment="Add the second sheet.")

    with pytest.raises(ValidationError) as refused:
        report_attachment_remove(attachment=kept, user=grantee_a)

    assert refused.value.messages == [
        "sheet.pdf was submitted with version 1 of the report, so it is kept as the office saw "
        "it. Attach a corrected file instead."
    ]
    assert list(version.attachments.all()) == [kept]
    with kept.file.open("rb") as stored:
        assert stored.read() == PDF
    later = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("sheet-2.pdf", PDF), user=grantee_a
    )
    report_attachment_remove(attachment=later, user=grantee_a)  # never submitted: may go
    assert list(ReportAttachment.objects.all()) == [kept]


def test_each_version_lists_its_attachments_with_download_links(client_for, q1, grantee_a, staff):
    first = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("first.pdf", PDF), user=grantee_a
    )
    submit(q1, grantee_a)
    report_return(report=q1, user=staff, comment="Add the second sheet.")
    second = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("second.pdf", PDF), user=grantee_a
    )
    submit(q1, grantee_a)

    for client, url in (
        (client_for(grantee_a), f"/portal/reports/{q1.uuid}/"),
        (client_for(staff), f"/grants/reports/{q1.uuid}/"),
    ):
        page = client.get(url).content.decode()
        versions = page.split('id="versions-heading"')[1]
        v2, v1 = versions.split("Version 1,")
        assert f"/grants/report-attachments/{first.uuid}/" in v1
        assert f"/grants/report-attachments/{second.uuid}/" not in v1
        assert f"/grants/report-attachments/{first.uuid}/" in v2
        assert f"/grants/report-attachments/{second.uuid}/" in v2


def test_the_form_offers_no_remove_button_for_a_submitted_attachment(
    client_for, q1, grantee_a, staff
):
    kept = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("sheet.pdf", PDF), user=grantee_a
    )
    submit(q1, grantee_a)
    report_return(report=q1, user=staff, comment="Fix it.")
    client = client_for(grantee_a)
    page = client.get(f"/portal/reports/{q1.uuid}/").content.decode()
    assert f"/portal/report-attachments/{kept.uuid}/remove/" not in page
    assert "kept: submitted to the office" in page
    refused = client.post(f"/portal/report-attachments/{kept.uuid}/remove/", follow=True)
    assert "so it is kept as the office saw it" in refused.content.decode()
    assert ReportAttachment.objects.filter(pk=kept.pk).exists()


# ----------------------------------------------------------------- attachment names and files


def test_a_long_attachment_name_keeps_its_extension(q1, grantee_a):
    attachment = report_attachment_add(
        report=q1, upload=SimpleUploadedFile("x" * 300 + ".pdf", PDF), user=grantee_a
    )
    assert attachment.name == "x" * 196 + ".pdf"
    assert attachment.file.name.endswith(".pdf")


def test_an_attachment_refused_by_validation_leaves_no_file(q1, grantee_a, monkeypatch, settings):
    def refuse(self) -> None:
        raise ValidationError("refused")

    monkeypatch.setattr(ReportAttachment, "clean", refuse)
    folder = settings.MEDIA_ROOT / "grants" / "reports" / str(q1.uuid)

    with pytest.raises(ValidationError):
        report_attachment_add(report=q1, upload=SimpleUploadedFile("a.pdf", PDF), user=grantee_a)

    assert not folder.exists() or not any(path.is_file() for path in folder.rglob("*"))
    assert not ReportAttachment.objects.exists()


def test_an_empty_upload_says_the_file_is_empty(client_for, q1, grantee_a):
    response = client_for(grantee_a).post(
        f"/portal/reports/{q1.uuid}/attachments/",
        {"file": SimpleUploadedFile("empty.pdf", b"")},
        follow=True,
    )
    assert "The file is empty." in response.content.decode()
    assert not ReportAttachment.objects.exists()


# ----------------------------------------------------------- reminders survive a mail failure


def test_a_failing_reminder_does_not_stop_the_others(
    organisation_a, organisation_b, grantee_a, grantee_b, monkeypatch, caplog
):
    first = make_award(organisation_a).reports.order_by("period_start")[0]
    second = make_award(organisation_b, title="Hospital B").reports.order_by("period_start")[0]
    sent: list[list[str]] = []

    def send(subject, body, sender, recipients) -> int:
        if recipients == ["grantee.a@example.org"]:
            raise SMTPException("450 mailbox busy")
        sent.append(recipients)
        return 1

    monkeypatch.setattr("grants.services.reports.send_mail", send)

    with pytest.raises(RemindersNotSent) as failed:
        reports_send_reminders(today=date(2026, 4, 23))

    assert failed.value.reports == [first]
    assert sent == [["grantee.b@example.org"]]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.reminded_on, second.reminded_on) == (None, date(2026, 4, 23))
    assert "The reminder of" in caplog.text
    # run again once the server is back: only the missing one goes
    monkeypatch.setattr("grants.services.reports.send_mail", lambda *args: sent.append(args[3]))
    assert reports_send_reminders(today=date(2026, 4, 23)) == 1
    assert sent[-1] == ["grantee.a@example.org"]


def test_the_reminder_task_retries_with_the_same_day(q1, grantee_a, monkeypatch):
    retried: dict[str, object] = {}

    def refuse(*args, **kwargs):
        raise SMTPException("down")

    def retry(*args, **kwargs):
        retried.update(kwargs)
        raise Retry()

    monkeypatch.setattr("grants.services.reports.send_mail", refuse)
    monkeypatch.setattr(reminders_task, "retry", retry)
    with pytest.raises(Retry):
        reminders_task.run(today="2026-04-23")
    assert retried["kwargs"] == {"today": "2026-04-23"}
    assert isinstance(retried["exc"], RemindersNotSent)
    assert reminders_task.acks_late


def test_a_returned_reports_reminder_says_it_waits_for_corrections(q1, grantee_a, staff):
    submit(q1, grantee_a)
    report_return(report=q1, user=staff, comment="Check the referral counts.")

    assert reports_send_reminders(today=date(2026, 5, 1)) == 1

    (email,) = mail.outbox
    assert email.subject.startswith("Overdue, waiting for your corrections: quarterly report Q1")
    assert "returned the quarterly report for Q1 2026" in email.body
    assert "for revision, and it is waiting for your corrections" in email.body
    assert "Check the referral counts." in email.body
    assert "has not been submitted yet" not in email.body


def test_uploading_an_attachment_keeps_the_figures_typed_since_the_last_save(
    client_for, q1, grantee_a
):
    # the upload button is the report form's: what was typed comes with the file and is saved
    client = client_for(grantee_a)
    response = client.post(
        f"/portal/reports/{q1.uuid}/attachments/",
        {"participants_enrolled": "14", "outreach_contacts": "230", "narrative": "Busy quarter.",
         "file": SimpleUploadedFile("log.pdf", PDF, content_type="application/pdf")},
        follow=True,
    )  # fmt: skip
    q1.refresh_from_db()
    assert (q1.participants_enrolled, q1.outreach_contacts, q1.narrative) == (
        14, 230, "Busy quarter."
    )  # fmt: skip
    assert ReportAttachment.objects.filter(report=q1).count() == 1
    assert "Attached log.pdf." in response.content.decode()


def test_figures_that_cannot_be_saved_come_back_with_the_upload_refused(client_for, q1, grantee_a):
    response = client_for(grantee_a).post(
        f"/portal/reports/{q1.uuid}/attachments/",
        {"participants_enrolled": "-3", "outreach_contacts": "230", "narrative": "Typed.",
         "file": SimpleUploadedFile("log.pdf", PDF, content_type="application/pdf")},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 200
    assert "The file was not attached: correct the figures first." in page
    assert 'value="230"' in page and "Typed." in page  # nothing typed is lost
    assert not ReportAttachment.objects.exists()


def test_the_grantees_navigation_marks_awards_and_reports_on_a_report(client_for, q1, grantee_a):
    page = client_for(grantee_a).get(f"/portal/reports/{q1.uuid}/")
    active = [item["label"] for item in page.context["nav_items"] if item.get("active")]
    assert active == ["Awards and reports"]


def test_a_continuing_caseload_can_be_more_than_the_quarters_new_enrolments(q1, grantee_a):
    # as the library defines them: 5 new this quarter, 45 seen (40 from before)
    report_save_draft(report=q1, user=grantee_a, spending={}, narrative="",
                      metrics={"participants_enrolled": 5, "participants_active": 45})  # fmt: skip
    q1.refresh_from_db()
    assert (q1.participants_enrolled, q1.participants_active) == (5, 45)
