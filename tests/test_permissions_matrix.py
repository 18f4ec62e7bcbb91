"""Every page of the portal, for every persona: the answer each one gets.

The pages come from the URL configuration itself (walked recursively, with namespaces), so a
new page fails `test_every_page_answers_each_persona_as_expected` until it has a row in
EXPECTED below (and, when its URL takes arguments, an entry in KWARGS).

Left out, and why:
- Django admin's own pages (`admin:`): Django guards them itself (`is_staff` and model
  permissions); the admin pages the office relies on, history and revert, are tested in
  tests/core/test_history.py.
- Static and media files: they are not in the URL configuration. WhiteNoise serves static
  files as middleware; uploaded files are never served from MEDIA_URL, only through the
  download views below, which check permissions like their pages.

One world is built per module (tests/world.py) and each test runs in a transaction rolled
back after it, so a POST that changes something (releasing a tranche, closing an award)
changes nothing for the next test.
"""

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, include, path, reverse
from django.urls.resolvers import RegexPattern

from tests.world import World, build_world

PERSONAS = ["anonymous", "grantee_a", "grantee_b", "board", "staff", "admin"]

# Answers: `login` is a redirect to the login page with ?next= back to the page asked for (to
# sign in first); `to-login` a plain redirect to the login page, the page's own rule; `302` a
# redirect anywhere else (an action done, or a signed-in user sent on); other numbers are
# statuses.
# POST rows are actions (most refuse GET with 405): they are sent an empty POST.
# A name with [A]/[B] is the page for organisation A's or B's object; [X]/[Y] for board X
# (where the board member sits) or board Y (where they sat until last year).
EXPECTED_TABLE = """
page                                            method anonymous grantee_a grantee_b board staff admin
core:root                                         GET   to-login  302       302     302   302   302
core:healthz                                      GET   200       200       200     200   200   200
core:office_home                                  GET   login     403       403     403   200   200
core:scorecard_json                               GET   login     403       403     403   200   200
core:schedule                                     GET   login     403       403     403   200   200
core:board_home                                   GET   login     403       403     200   403   403
# the public pages: the same for everyone, signed in or not; what is not public is not found
core:public_index                                 GET   200       200       200     200   200   200
public_programs:list                              GET   200       200       200     200   200   200
public_programs:detail[listed]                    GET   200       200       200     200   200   200
public_programs:detail[unlisted]                  GET   404       404       404     404   404   404
public_funding:overview                           GET   200       200       200     200   200   200
public_funding:csv                                GET   200       200       200     200   200   200
public_assessments:list                           GET   200       200       200     200   200   200
public_assessments:detail[published]              GET   200       200       200     200   200   200
public_assessments:detail[under_review]           GET   404       404       404     404   404   404
public_assessments:detail[draft]                  GET   404       404       404     404   404   404
public_assessments:pdf[published]                 GET   200       200       200     200   200   200
public_assessments:pdf[under_review]              GET   404       404       404     404   404   404
public_assessments:pdf[draft]                     GET   404       404       404     404   404   404

accounts:login                                    GET   200       302       302     302   302   302
accounts:logout                                   POST  login     to-login  to-login to-login to-login to-login
accounts:home                                     GET   login     302       302     302   302   302
accounts:password_change                          GET   login     200       200     200   200   200
accounts:password_change_done                     GET   login     200       200     200   200   200
accounts:password_reset                           GET   200       200       200     200   200   200
accounts:password_reset_done                      GET   200       200       200     200   200   200
accounts:password_reset_confirm                   GET   200       200       200     200   200   200
accounts:password_reset_complete                  GET   200       200       200     200   200   200
accounts:two_factor                               GET   login     403       403     403   200   200
# the code step of login: with no password given first, back to login (or on, if signed in)
accounts:two_factor_verify                        GET   to-login  302       302     302   302   302

areas:list                                        GET   login     403       403     403   200   200

incidents:dashboard                               GET   login     403       403     403   200   200
incidents:dashboard_csv                           GET   login     403       403     403   200   200
incidents:targets                                 GET   login     403       403     403   200   200
incidents:target_delete                           POST  login     403       403     403   302   302
incidents:imports                                 GET   login     403       403     403   200   200
incidents:import_detail                           GET   login     403       403     403   200   200
incidents:import_rejected                         GET   login     403       403     403   200   200
incidents:sources                                 GET   login     403       403     403   200   200
incidents:source_new                              GET   login     403       403     403   200   200
incidents:source_edit                             GET   login     403       403     403   200   200
incidents:source_pull                             POST  login     403       403     403   302   302
incidents:mapping_builder                         GET   login     403       403     403   200   200
# nothing was built in this session yet, so nothing to download
incidents:mapping_download                        GET   login     403       403     403   404   404
incidents:mapping_reset                           POST  login     403       403     403   302   302
public:public                                     GET   200       200       200     200   200   200
public:public_csv                                 GET   200       200       200     200   200   200
public_input:have_your_say                        GET   200       200       200     200   200   200
public_input:thanks                               GET   200       200       200     200   200   200
public_input:started                              GET   200       200       200     200   200   200

stakeholders:grantee_home                         GET   login     200       200     403   403   403
stakeholders:organisation_list                    GET   login     403       403     403   200   200
stakeholders:organisation_create                  GET   login     403       403     403   200   200
stakeholders:organisation_detail[A]               GET   login     403       403     403   200   200
stakeholders:organisation_detail[B]               GET   login     403       403     403   200   200
stakeholders:organisation_edit[A]                 GET   login     403       403     403   200   200
stakeholders:person_create                        GET   login     403       403     403   200   200
stakeholders:person_create_unattached             GET   login     403       403     403   200   200
stakeholders:person_edit[A]                       GET   login     403       403     403   200   200
stakeholders:board_list                           GET   login     403       403     200   200   200
stakeholders:board_create                         GET   login     403       403     403   200   200
stakeholders:board_detail[X]                      GET   login     403       403     200   200   200
stakeholders:board_detail[Y]                      GET   login     403       403     404   200   200
stakeholders:membership_add[X]                    GET   login     403       403     403   200   200
stakeholders:meeting_create[X]                    GET   login     403       403     403   200   200
stakeholders:meeting_detail[X]                    GET   login     403       403     200   200   200
stakeholders:meeting_detail[Y]                    GET   login     403       403     404   200   200
stakeholders:goal_create                          GET   login     403       403     403   200   200
stakeholders:goal_detail[X]                       GET   login     403       403     200   200   200
stakeholders:goal_detail[Y]                       GET   login     403       403     404   200   200
stakeholders:goal_detail[citywide]                GET   login     403       403     404   200   200
stakeholders:action_item_create[X]                GET   login     403       403     403   200   200
stakeholders:action_item_edit[X]                  GET   login     403       403     403   200   200
stakeholders:accountability                       GET   login     403       403     403   200   200
stakeholders:community_input_queue                GET   login     403       403     403   200   200
stakeholders:community_input_detail               GET   login     403       403     403   200   200
stakeholders:community_input_approve              POST  login     403       403     403   302   302
stakeholders:community_input_reject               POST  login     403       403     403   302   302

inventory:program_list                            GET   login     403       403     403   200   200
inventory:program_create                          GET   login     403       403     403   200   200
inventory:program_detail[A]                       GET   login     403       403     403   200   200
inventory:program_edit[A]                         GET   login     403       403     403   200   200
inventory:program_history[A]                      GET   login     403       403     403   200   200
inventory:survey_template                         GET   login     403       403     403   200   200
inventory:survey_upload                           GET   login     403       403     403   200   200
inventory:proposals                               GET   login     403       403     403   200   200
inventory:proposal_detail[A]                      GET   login     403       403     403   200   200
inventory:gaps                                    GET   login     403       403     403   200   200
inventory:my_programs                             GET   login     200       200     403   403   403
inventory:propose_update[A]                       GET   login     200       404     403   403   403
inventory:propose_update[B]                       GET   login     404       200     403   403   403
inventory:campaign_list                           GET   login     403       403     403   200   200
inventory:campaign_create                         GET   login     403       403     403   200   200
inventory:campaign_detail                         GET   login     403       403     403   200   200
inventory:campaign_edit                           GET   login     403       403     403   200   200
inventory:campaign_output_log                     GET   login     403       403     403   200   200
inventory:campaign_spending_log                   GET   login     403       403     403   200   200
inventory:campaign_output_delete                  POST  login     403       403     403   302   302
inventory:campaign_spending_delete                POST  login     403       403     403   302   302

# the resource library: the office's pages, then the library every signed-in role has, where
# each resource is one of an audience's ([office], [board], [grantees], [public]); what a
# role may not see answers 404, and an earlier version ([...-v1]) is the office's only
inventory:resource_list                           GET   login     403       403     403   200   200
inventory:resource_create                         GET   login     403       403     403   200   200
inventory:resource_detail[grantees]               GET   login     403       403     403   200   200
inventory:resource_edit[grantees]                 GET   login     403       403     403   200   200
inventory:resource_version_add[grantees]          POST  login     403       403     403   302   302
inventory:resource_retire[grantees]               POST  login     403       403     403   302   302
inventory:library                                 GET   login     200       200     200   200   200
inventory:library_resource[office]                GET   login     404       404     404   200   200
inventory:library_resource[board]                 GET   login     404       404     200   200   200
inventory:library_resource[grantees]              GET   login     200       200     404   200   200
inventory:library_resource[public]                GET   login     200       200     200   200   200
inventory:resource_download[office]               GET   login     404       404     404   200   200
inventory:resource_download[board]                GET   login     404       404     200   200   200
inventory:resource_download[grantees]             GET   login     200       200     404   200   200
inventory:resource_download[public]               GET   login     200       200     200   200   200
inventory:resource_version_download[grantees]     GET   login     200       200     404   200   200
inventory:resource_version_download[grantees-v1]  GET   login     404       404     404   200   200
inventory:resource_version_download[board-v1]     GET   login     404       404     404   200   200
inventory:resource_version_download[public-v1]    GET   login     404       404     404   200   200
# the public library: the same for everyone, public resources only (to staff too)
public_resources:list                             GET   200       200       200     200   200   200
public_resources:detail[public]                   GET   200       200       200     200   200   200
public_resources:detail[grantees]                 GET   404       404       404     404   404   404
public_resources:download[public]                 GET   200       200       200     200   200   200
public_resources:download[grantees]               GET   404       404       404     404   404   404
public_resources:download[board]                  GET   404       404       404     404   404   404
public_resources:download[office]                 GET   404       404       404     404   404   404

grants:fund_list                                  GET   login     403       403     403   200   200
grants:fund_create                                GET   login     403       403     403   200   200
grants:fund_edit                                  GET   login     403       403     403   200   200
grants:round_list                                 GET   login     403       403     403   200   200
grants:round_create                               GET   login     403       403     403   200   200
grants:round_detail                               GET   login     403       403     403   200   200
grants:round_edit                                 GET   login     403       403     403   200   200
grants:round_metrics                              GET   login     403       403     403   200   200
grants:metric_library                             GET   login     403       403     403   200   200
grants:metric_edit                                GET   login     403       403     403   200   200
grants:allocation                                 GET   login     403       403     403   200   200

grants:my_applications                            GET   login     200       200     403   403   403
grants:application_create                         GET   login     200       200     403   403   403
grants:application_view[A]                        GET   login     200       404     403   403   403
grants:application_view[B]                        GET   login     404       200     403   403   403
grants:application_edit[A]                        GET   login     200       404     403   403   403
grants:application_edit[B]                        GET   login     404       200     403   403   403
grants:application_document_add[A]                POST  login     302       404     403   403   403
grants:application_document_add[B]                POST  login     404       302     403   403   403
grants:application_document[A]                    GET   login     200       404     403   403   403
grants:application_document[B]                    GET   login     404       200     403   403   403
grants:application_document_remove[A]             POST  login     302       404     403   403   403
grants:application_document_remove[B]             POST  login     404       302     403   403   403
grants:application_submit[A]                      POST  login     302       404     403   403   403
grants:application_submit[B]                      POST  login     404       302     403   403   403
grants:application_message[A]                     POST  login     302       404     403   403   403
grants:application_message[B]                     POST  login     404       302     403   403   403

grants:application_detail[submitted]              GET   login     403       403     403   200   200
grants:application_detail[draft]                  GET   login     403       403     403   404   404
grants:application_document_office[submitted]     GET   login     403       403     403   200   200
grants:application_document_office[draft]         GET   login     403       403     403   404   404
grants:application_message_office[submitted]      POST  login     403       403     403   302   302
grants:application_message_office[draft]          POST  login     403       403     403   404   404
grants:application_assign[submitted]              POST  login     403       403     403   302   302
grants:application_assign[draft]                  POST  login     403       403     403   404   404
grants:application_decide[submitted]              GET   login     403       403     403   200   200
grants:application_decide[draft]                  GET   login     403       403     403   404   404
grants:assignment_remove[board]                   POST  login     403       403     403   302   302

grants:my_reviews                                 GET   login     403       403     200   200   200
grants:review_detail[board]                       GET   login     403       403     200   404   404
grants:review_detail[staff]                       GET   login     403       403     404   200   404
grants:review_conflict[board]                     POST  login     403       403     200   404   404
grants:review_conflict[staff]                     POST  login     403       403     404   200   404
grants:review_score[board]                        POST  login     403       403     200   404   404
grants:review_score[staff]                        POST  login     403       403     404   200   404
# documents open to a reviewer only after declaring no conflict: the staff reviewer has not
grants:review_document[board]                     GET   login     403       403     200   404   404
grants:review_document[staff]                     GET   login     403       403     404   404   404

grants:award_list                                 GET   login     403       403     403   200   200
grants:award_create                               GET   login     403       403     403   200   200
grants:award_detail[A]                            GET   login     403       403     403   200   200
grants:award_detail[B]                            GET   login     403       403     403   200   200
grants:award_close[A]                             POST  login     403       403     403   302   302
grants:tranche_release[A]                         POST  login     403       403     403   302   302
grants:my_awards                                  GET   login     200       200     403   403   403
grants:award_targets[A]                           GET   login     403       403     403   200   200
grants:performance                                GET   login     403       403     403   200   200
grants:performance_csv                            GET   login     403       403     403   200   200
grants:my_performance                             GET   login     200       200     403   403   403
grants:my_performance_csv                         GET   login     200       200     403   403   403

grants:compliance                                 GET   login     403       403     403   200   200
grants:report_review[A]                           GET   login     403       403     403   200   200
grants:report_review[B]                           GET   login     403       403     403   200   200
grants:report_edit[A]                             GET   login     200       404     403   403   403
grants:report_edit[B]                             GET   login     404       200     403   403   403
grants:report_attachment_add[A]                   POST  login     302       404     403   403   403
grants:report_attachment_add[B]                   POST  login     404       302     403   403   403
grants:report_attachment_remove[A]                POST  login     302       404     403   403   403
grants:report_attachment_remove[B]                POST  login     404       302     403   403   403
grants:report_attachment_download[A]              GET   login     200       404     403   200   200
grants:report_attachment_download[B]              GET   login     404       200     403   200   200

evaluation:run_list                               GET   login     403       403     403   200   200
evaluation:run_create                             GET   login     403       403     403   200   200
evaluation:panel                                  GET   login     403       403     403   200   200
evaluation:run_detail                             GET   login     403       403     403   200   200
evaluation:run_chart_csv                          GET   login     403       403     403   200   200

# needs assessments: [X] and [Y] were sent to boards X and Y; [draft] is X's, never sent
evaluation:assessment_list                        GET   login     403       403     403   200   200
evaluation:assessment_create                      GET   login     403       403     403   200   200
evaluation:assessment_detail[X]                   GET   login     403       403     403   200   200
evaluation:assessment_section_edit[draft]         GET   login     403       403     403   200   200
evaluation:assessment_send[draft]                 POST  login     403       403     403   302   302
evaluation:assessment_publish[X]                  POST  login     403       403     403   302   302
evaluation:assessment_comment_answer[X]           POST  login     403       403     403   302   302
evaluation:assessment_version[X]                  GET   login     403       403     200   200   200
evaluation:assessment_version[Y]                  GET   login     403       403     404   200   200
evaluation:assessment_print[X]                    GET   login     403       403     200   200   200
evaluation:assessment_print[Y]                    GET   login     403       403     404   200   200
evaluation:assessment_print[draft]                GET   login     403       403     404   200   200
evaluation:assessment_pdf[X]                      GET   login     403       403     200   200   200
evaluation:assessment_pdf[Y]                      GET   login     403       403     404   200   200
evaluation:board_assessment_list                  GET   login     403       403     200   403   403
evaluation:board_assessment_detail[X]             GET   login     403       403     200   403   403
evaluation:board_assessment_detail[Y]             GET   login     403       403     404   403   403
evaluation:board_assessment_detail[draft]         GET   login     403       403     404   403   403
evaluation:board_assessment_comment[X]            POST  login     403       403     302   403   403
evaluation:board_assessment_comment[Y]            POST  login     403       403     404   403   403
evaluation:board_assessment_decide[X]             POST  login     403       403     302   403   403
evaluation:board_assessment_decide[Y]             POST  login     403       403     404   403   403
"""

Kwargs = Callable[[World], dict[str, Any]]

# How to fill each page's URL arguments from the world; one entry per variant ([A], [B], ...)
# when the answer depends on whose object it is. Pages without arguments need no entry.
KWARGS: dict[str, dict[str, Kwargs]] = {
    "accounts:password_reset_confirm": {"": lambda w: {"uidb64": "MQ", "token": "set-password"}},
    "incidents:dashboard_csv": {"": lambda w: {"chart": "weekly"}},
    "incidents:import_detail": {"": lambda w: {"uuid": w.import_run.uuid}},
    "incidents:target_delete": {"": lambda w: {"pk": w.target.pk}},
    "incidents:import_rejected": {"": lambda w: {"uuid": w.import_run.uuid}},
    "incidents:source_edit": {"": lambda w: {"uuid": w.source.uuid}},
    "incidents:source_pull": {"": lambda w: {"uuid": w.source.uuid}},
    "public:public_csv": {"": lambda w: {"chart": "months"}},
    "public_programs:detail": {
        "listed": lambda w: {"uuid": w.a.program.uuid},
        "unlisted": lambda w: {"uuid": w.b.program.uuid},
    },
    "public_funding:csv": {"": lambda w: {"chart": "strategies"}},
    **{
        name: {
            "published": lambda w: {"uuid": w.published_assessment.uuid},
            "under_review": lambda w: {"uuid": w.x.assessment.uuid},
            "draft": lambda w: {"uuid": w.draft_assessment.uuid},
        }
        for name in ("public_assessments:detail", "public_assessments:pdf")
    },
    "stakeholders:organisation_detail": {
        "A": lambda w: {"uuid": w.a.organisation.uuid},
        "B": lambda w: {"uuid": w.b.organisation.uuid},
    },
    "stakeholders:organisation_edit": {"A": lambda w: {"uuid": w.a.organisation.uuid}},
    "stakeholders:person_create": {"": lambda w: {"uuid": w.a.organisation.uuid}},
    "stakeholders:person_edit": {"A": lambda w: {"uuid": w.a.contact.uuid}},
    "stakeholders:board_detail": {
        "X": lambda w: {"uuid": w.x.board.uuid},
        "Y": lambda w: {"uuid": w.y.board.uuid},
    },
    "stakeholders:membership_add": {"X": lambda w: {"uuid": w.x.board.uuid}},
    "stakeholders:meeting_create": {"X": lambda w: {"uuid": w.x.board.uuid}},
    "stakeholders:meeting_detail": {
        "X": lambda w: {"uuid": w.x.meeting.uuid},
        "Y": lambda w: {"uuid": w.y.meeting.uuid},
    },
    "stakeholders:goal_detail": {
        "X": lambda w: {"uuid": w.x.goal.uuid},
        "Y": lambda w: {"uuid": w.y.goal.uuid},
        "citywide": lambda w: {"uuid": w.citywide_goal.uuid},
    },
    "stakeholders:action_item_create": {"X": lambda w: {"uuid": w.x.goal.uuid}},
    "stakeholders:action_item_edit": {"X": lambda w: {"uuid": w.x.action_item.uuid}},
    **{
        name: {"": lambda w: {"uuid": w.community_input.uuid}}
        for name in (
            "stakeholders:community_input_detail",
            "stakeholders:community_input_approve",
            "stakeholders:community_input_reject",
        )
    },
    "inventory:program_detail": {"A": lambda w: {"uuid": w.a.program.uuid}},
    "inventory:program_edit": {"A": lambda w: {"uuid": w.a.program.uuid}},
    "inventory:program_history": {"A": lambda w: {"uuid": w.a.program.uuid}},
    "inventory:proposal_detail": {"A": lambda w: {"uuid": w.a.proposal.uuid}},
    **{
        name: {"": lambda w: {"uuid": w.campaign.uuid}}
        for name in (
            "inventory:campaign_detail",
            "inventory:campaign_edit",
            "inventory:campaign_output_log",
            "inventory:campaign_spending_log",
        )
    },
    "inventory:campaign_output_delete": {"": lambda w: {"uuid": w.campaign_output.uuid}},
    "inventory:campaign_spending_delete": {"": lambda w: {"uuid": w.campaign_spending.uuid}},
    "inventory:propose_update": {
        "A": lambda w: {"uuid": w.a.program.uuid},
        "B": lambda w: {"uuid": w.b.program.uuid},
    },
    **{
        name: {"grantees": lambda w: {"uuid": w.resources["grantees"].uuid}}
        for name in (
            "inventory:resource_detail",
            "inventory:resource_edit",
            "inventory:resource_version_add",
            "inventory:resource_retire",
        )
    },
    **{
        name: {
            audience: (lambda a: lambda w: {"uuid": w.resources[a].uuid})(audience)
            for audience in ("office", "board", "grantees", "public")
        }
        for name in ("inventory:library_resource", "inventory:resource_download")
    },
    "public_resources:detail": {
        audience: (lambda a: lambda w: {"uuid": w.resources[a].uuid})(audience)
        for audience in ("grantees", "public")
    },
    "public_resources:download": {
        audience: (lambda a: lambda w: {"uuid": w.resources[a].uuid})(audience)
        for audience in ("office", "board", "grantees", "public")
    },
    "inventory:resource_version_download": {
        "grantees": lambda w: {"uuid": w.resources["grantees"].uuid, "number": 2},
        **{
            f"{audience}-v1": (lambda a: lambda w: {"uuid": w.resources[a].uuid, "number": 1})(
                audience
            )
            for audience in ("grantees", "board", "public")
        },
    },
    "grants:metric_edit": {"": lambda w: {"slug": "participants-enrolled"}},
    "grants:fund_edit": {"": lambda w: {"uuid": w.funding_round.fund.uuid}},
    "grants:round_detail": {"": lambda w: {"uuid": w.funding_round.uuid}},
    "grants:round_metrics": {"": lambda w: {"uuid": w.funding_round.uuid}},
    "grants:round_edit": {"": lambda w: {"uuid": w.funding_round.uuid}},
    "grants:allocation": {"": lambda w: {"uuid": w.funding_round.uuid}},
    "grants:application_create": {"": lambda w: {"round_uuid": w.funding_round.uuid}},
    # the grantee's pages of an application, on each organisation's draft
    **{
        name: {
            "A": lambda w: {"uuid": w.a.draft.uuid},
            "B": lambda w: {"uuid": w.b.draft.uuid},
        }
        for name in (
            "grants:application_view",
            "grants:application_edit",
            "grants:application_document_add",
            "grants:application_submit",
            "grants:application_message",
        )
    },
    **{
        name: {
            "A": lambda w: {"uuid": w.a.draft.uuid, "document_uuid": w.a.draft_document.uuid},
            "B": lambda w: {"uuid": w.b.draft.uuid, "document_uuid": w.b.draft_document.uuid},
        }
        for name in ("grants:application_document", "grants:application_document_remove")
    },
    # the office's pages of an application: submitted ones, and a draft it must not see
    **{
        name: {
            "submitted": lambda w: {"uuid": w.a.submitted.uuid},
            "draft": lambda w: {"uuid": w.a.draft.uuid},
        }
        for name in (
            "grants:application_detail",
            "grants:application_message_office",
            "grants:application_assign",
            "grants:application_decide",
        )
    },
    "grants:application_document_office": {
        "submitted": lambda w: {
            "uuid": w.a.submitted.uuid,
            "document_uuid": w.a.submitted_document.uuid,
        },
        "draft": lambda w: {"uuid": w.a.draft.uuid, "document_uuid": w.a.draft_document.uuid},
    },
    # review assignments: the board member's (on A's application) and a staff member's (B's)
    **{
        name: {
            "board": lambda w: {"uuid": w.board_assignment.uuid},
            "staff": lambda w: {"uuid": w.staff_assignment.uuid},
        }
        for name in ("grants:review_detail", "grants:review_conflict", "grants:review_score")
    },
    "grants:review_document": {
        "board": lambda w: {
            "uuid": w.board_assignment.uuid,
            "document_uuid": w.a.submitted_document.uuid,
        },
        "staff": lambda w: {
            "uuid": w.staff_assignment.uuid,
            "document_uuid": w.b.submitted_document.uuid,
        },
    },
    "grants:assignment_remove": {"board": lambda w: {"uuid": w.board_assignment.uuid}},
    "grants:award_detail": {
        "A": lambda w: {"uuid": w.a.award.uuid},
        "B": lambda w: {"uuid": w.b.award.uuid},
    },
    "grants:award_close": {"A": lambda w: {"uuid": w.a.award.uuid}},
    "grants:award_targets": {"A": lambda w: {"uuid": w.a.award.uuid}},
    "grants:tranche_release": {"A": lambda w: {"uuid": w.a.award.tranches.get(number=1).uuid}},
    **{
        name: {
            "A": lambda w: {"uuid": w.a.report.uuid},
            "B": lambda w: {"uuid": w.b.report.uuid},
        }
        for name in (
            "grants:report_review",
            "grants:report_edit",
            "grants:report_attachment_add",
        )
    },
    **{
        name: {
            "A": lambda w: {"uuid": w.a.attachment.uuid},
            "B": lambda w: {"uuid": w.b.attachment.uuid},
        }
        for name in ("grants:report_attachment_remove", "grants:report_attachment_download")
    },
    "evaluation:run_detail": {"": lambda w: {"uuid": w.evaluation_run.uuid}},
    "evaluation:assessment_detail": {"X": lambda w: {"uuid": w.x.assessment.uuid}},
    "evaluation:assessment_section_edit": {
        "draft": lambda w: {
            "uuid": w.draft_assessment.uuid,
            "key": w.draft_assessment.sections.order_by("position")[0].key,
        }
    },
    "evaluation:assessment_send": {"draft": lambda w: {"uuid": w.draft_assessment.uuid}},
    "evaluation:assessment_publish": {"X": lambda w: {"uuid": w.x.assessment.uuid}},
    "evaluation:assessment_comment_answer": {
        "X": lambda w: {"uuid": w.x.assessment.uuid, "comment": w.x.comment.uuid}
    },
    "evaluation:assessment_version": {
        "X": lambda w: {"uuid": w.x.assessment.uuid, "number": 1},
        "Y": lambda w: {"uuid": w.y.assessment.uuid, "number": 1},
    },
    **{
        name: {
            "X": lambda w: {"uuid": w.x.assessment.uuid},
            "Y": lambda w: {"uuid": w.y.assessment.uuid},
            "draft": lambda w: {"uuid": w.draft_assessment.uuid},
        }
        for name in ("evaluation:assessment_print", "evaluation:board_assessment_detail")
    },
    **{
        name: {
            "X": lambda w: {"uuid": w.x.assessment.uuid},
            "Y": lambda w: {"uuid": w.y.assessment.uuid},
        }
        for name in ("evaluation:assessment_pdf", "evaluation:board_assessment_decide")
    },
    "evaluation:board_assessment_comment": {
        "X": lambda w: {"uuid": w.x.assessment.uuid, "key": w.x.comment.section.key},
        "Y": lambda w: {"uuid": w.y.assessment.uuid, "key": w.y.comment.section.key},
    },
    "evaluation:run_chart_csv": {
        "": lambda w: {"uuid": w.evaluation_run.uuid, "chart": "event-study"}
    },
}

# namespaces left out of the walk (see the module's docstring)
SKIPPED_NAMESPACES = {"admin"}


@dataclass(frozen=True)
class Row:
    method: str
    answers: dict[str, str]


def _parse(table: str) -> dict[str, Row]:
    lines = [
        line.split()
        for line in table.strip().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    header, body = lines[0], lines[1:]
    assert header[2:] == PERSONAS, header
    rows: dict[str, Row] = {}
    for cells in body:
        case, method, *answers = cells
        assert case not in rows, f"{case} has two rows"
        assert method in ("GET", "POST"), f"{case}: method {method}"
        assert len(answers) == len(PERSONAS), f"{case}: {len(answers)} answers"
        assert set(answers) <= {"login", "to-login", "200", "302", "403", "404", "405"}, case
        rows[case] = Row(method, dict(zip(PERSONAS, answers, strict=True)))
    return rows


EXPECTED = _parse(EXPECTED_TABLE)


def _walk(resolver: URLResolver, namespace: str = "", route: str = "") -> Iterator[tuple]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, inner, route + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield namespace, entry, route + str(entry.pattern)


def project_pages(resolver: URLResolver | None = None) -> dict[str, URLPattern]:
    """Every named page in the URL configuration (an unnamed one under its route), by its
    full name (`namespace:name`), less the skipped namespaces."""
    pages: dict[str, URLPattern] = {}
    for namespace, pattern, route in _walk(resolver or get_resolver()):
        if namespace.split(":")[0] in SKIPPED_NAMESPACES:
            continue
        if route.startswith((settings.STATIC_URL or "static/", settings.MEDIA_URL or "media/")):
            continue
        name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or f"<{route}>")
        pages[name] = pattern
    return pages


PAGES = project_pages()


def cases(pages: dict[str, URLPattern]) -> list[str]:
    """One case per page and variant: `name`, or `name[variant]` for pages in KWARGS with
    variants; pages whose URL takes arguments but that have no KWARGS entry still get a case,
    which fails and says so."""
    found = []
    for name in pages:
        variants = KWARGS.get(name, {"": None})
        found += [f"{name}[{variant}]" if variant else name for variant in variants]
    return found


def unexpected(pages: dict[str, URLPattern]) -> list[str]:
    """The cases that have no row in EXPECTED, or take URL arguments KWARGS cannot fill."""
    return [
        case
        for case in cases(pages)
        if case not in EXPECTED
        or (pages[_split(case)[0]].pattern.converters and _split(case)[0] not in KWARGS)
    ]


def _split(case: str) -> tuple[str, str]:
    name, _, variant = case.partition("[")
    return name, variant.rstrip("]")


@pytest.fixture(scope="module")
def own_cache_keys() -> Iterator[None]:
    """Dashboards cache their figures in Redis under keys that name the year and the kind of
    area, not the data: another test's cached dashboard would be served here. This module's
    keys get a prefix of their own, deleted at the end."""
    prefix = f"ovp-test-matrix-{uuid.uuid4().hex[:12]}"
    with override_settings(
        CACHES={"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    ):
        yield
        client = cache._cache.get_client(write=True)  # type: ignore[attr-defined]
        for key in client.scan_iter(match=f"{prefix}:*"):
            client.delete(key)


@pytest.fixture(scope="module")
def world(django_db_setup: None, django_db_blocker: Any, own_cache_keys: None) -> Iterator[World]:
    """The world, built once for the module inside a transaction that is rolled back at the
    end; each test's own transaction nests inside it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    built.remove_stored_files()


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker: Any) -> dict[str, Client]:
    """A signed-in client per persona, made once: logging in for each test, and loading the
    middleware for each new client (WhiteNoise then lists every static file), would take
    most of the module's time. Each test starts from the client's first session cookie, so
    a test that logs out or cycles the session does not sign out the next one."""
    handler = ClientHandler(enforce_csrf_checks=False)
    made: dict[str, Client] = {}
    with django_db_blocker.unblock():
        for persona in PERSONAS:
            client = Client()
            client.handler = handler
            user = world.user(persona)
            if user is not None:
                client.force_login(user)
            made[persona] = client
    return made


def _client(clients: dict[str, Client], persona: str) -> Client:
    """A fresh client on the persona's session, sharing the loaded middleware."""
    signed_in = clients[persona]
    client = Client()
    client.handler = signed_in.handler
    for name, morsel in signed_in.cookies.items():
        client.cookies[name] = morsel.value
    return client


def _answer(response: Any, url: str) -> str:
    """The answer as the table writes it, for a response to `url`; a redirect to the login page
    that is neither plain nor back to `url` answers its address, which no row expects; and so
    does a redirect to another host (an open redirect answers no row's "302")."""
    if response.status_code == 302:
        location = urlparse(response["Location"])
        if location.netloc and location.netloc != "testserver":
            return response["Location"]
        if location.path != reverse(settings.LOGIN_URL):
            return "302"
        if not location.query:
            return "to-login"
        return "login" if parse_qs(location.query) == {"next": [url]} else response["Location"]
    return str(response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("case", cases(PAGES))
def test_every_page_answers_each_persona_as_expected(
    world: World, clients: dict[str, Client], case: str, persona: str
) -> None:
    name, variant = _split(case)
    row = EXPECTED.get(case)
    if row is None:
        pytest.fail(
            f"{case} ({PAGES[name].pattern}) has no row in EXPECTED: say what each persona "
            "gets there."
        )
    needs_kwargs = bool(PAGES[name].pattern.converters)
    if needs_kwargs and name not in KWARGS:
        pytest.fail(f"{case} ({PAGES[name].pattern}) takes arguments: add it to KWARGS.")
    kwargs = KWARGS[name][variant](world) if name in KWARGS else {}
    url = reverse(name, kwargs=kwargs)
    client = _client(clients, persona)
    response = client.post(url, {}) if row.method == "POST" else client.get(url)
    if response.streaming:
        # read to the end: the test client then closes the file (and fires request_finished
        # without closing the database connection, as response.close() would)
        b"".join(response.streaming_content)
    assert _answer(response, url) == row.answers[persona], (
        f"{persona} on {row.method} {url} ({case})"
    )


def test_every_row_of_the_table_is_a_page_that_exists() -> None:
    """Rows outlive pages: a renamed or removed page must take its row with it."""
    known = set(cases(PAGES))
    assert [case for case in EXPECTED if case not in known] == []
    assert [name for name in KWARGS if name not in PAGES] == []


def test_every_page_in_the_url_configuration_has_a_row() -> None:
    assert unexpected(PAGES) == [], "pages the matrix does not cover: add rows to EXPECTED"


def test_a_new_page_without_a_row_is_named() -> None:
    """The check itself: a page added to the URL configuration is caught, by its name."""

    def brand_new(request: HttpRequest, uuid: str) -> HttpResponse:
        return HttpResponse()

    patterns = [
        *get_resolver().url_patterns,
        path("reports/<uuid:uuid>/", include(([path("", brand_new, name="brand_new")], "new"))),
    ]
    pages = project_pages(URLResolver(RegexPattern(r"^/"), patterns))
    assert unexpected(pages) == ["new:brand_new"]


def test_the_walk_finds_pages_of_every_app_and_namespace() -> None:
    """The walk is recursive: included URL configurations and nested namespaces are found."""
    namespaces = {name.split(":")[0] for name in PAGES if ":" in name}
    assert {
        "core",
        "accounts",
        "areas",
        "incidents",
        "public",
        "stakeholders",
        "inventory",
        "grants",
        "evaluation",
    } <= namespaces
    assert not any(name.startswith("admin:") for name in PAGES)
    assert [name for name in PAGES if ":" not in name] == []
