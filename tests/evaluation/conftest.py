from datetime import date

import pytest

START = date(2023, 6, 1)


# -- needs assessments -------------------------------------------------------------------------


@pytest.fixture
def assessment_city(db):
    from tests.evaluation.assessment_data import build_city

    return build_city()


@pytest.fixture
def review(board_member):
    from tests.evaluation.assessment_data import build_board

    return build_board(board_member)


@pytest.fixture
def draft(assessment_city, review, staff):
    from evaluation.services.assessments import assessment_draft
    from tests.evaluation.assessment_data import PERIOD

    return assessment_draft(
        title="Needs assessment 2025",
        period_start=PERIOD[0],
        period_end=PERIOD[1],
        board=review.board,
        user=staff,
        area_kind="neighbourhood",
    )
