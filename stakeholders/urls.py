from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("portal/", views.grantee_home, name="grantee_home"),
    path("stakeholders/organisations/", views.organisation_list, name="organisation_list"),
    path("stakeholders/organisations/new/", views.organisation_create, name="organisation_create"),
    path(
        "stakeholders/organisations/<uuid:uuid>/",
        views.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "stakeholders/organisations/<uuid:uuid>/edit/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "stakeholders/organisations/<uuid:uuid>/people/new/",
        views.person_create,
        name="person_create",
    ),
    path("stakeholders/people/new/", views.person_create, name="person_create_unattached"),
    path("stakeholders/people/<uuid:uuid>/edit/", views.person_edit, name="person_edit"),
    path("stakeholders/boards/", views.board_list, name="board_list"),
    path("stakeholders/boards/new/", views.board_create, name="board_create"),
    path("stakeholders/boards/<uuid:uuid>/", views.board_detail, name="board_detail"),
    path(
        "stakeholders/boards/<uuid:uuid>/members/new/",
        views.membership_add,
        name="membership_add",
    ),
    path(
        "stakeholders/boards/<uuid:uuid>/meetings/new/",
        views.meeting_create,
        name="meeting_create",
    ),
    path("stakeholders/meetings/<uuid:uuid>/", views.meeting_detail, name="meeting_detail"),
    path("stakeholders/goals/new/", views.goal_create, name="goal_create"),
    path("stakeholders/goals/<uuid:uuid>/", views.goal_detail, name="goal_detail"),
    path(
        "stakeholders/goals/<uuid:uuid>/actions/new/",
        views.action_item_create,
        name="action_item_create",
    ),
    path("stakeholders/actions/<uuid:uuid>/edit/", views.action_item_edit, name="action_item_edit"),
    path("stakeholders/accountability/", views.accountability, name="accountability"),
    path(
        "stakeholders/community-input/",
        views.community_input_queue,
        name="community_input_queue",
    ),
    path(
        "stakeholders/community-input/<uuid:uuid>/",
        views.community_input_detail,
        name="community_input_detail",
    ),
    path(
        "stakeholders/community-input/<uuid:uuid>/approve/",
        views.community_input_approve,
        name="community_input_approve",
    ),
    path(
        "stakeholders/community-input/<uuid:uuid>/reject/",
        views.community_input_reject,
        name="community_input_reject",
    ),
]

# the public form, under /public/have-your-say/ (namespace public_input, ovp/urls.py)
public_input_urlpatterns = [
    path("", views.have_your_say, name="have_your_say"),
    path("thanks/", views.have_your_say_thanks, name="thanks"),
]
