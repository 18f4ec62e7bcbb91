"""The public form (/public/have-your-say/, namespace public_input, no login): a resident says
what their area needs, without saying who they are."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache

from ovp.core.actions import form_action
from ovp.core.origin import same_site_posts
from ovp.core.public_cache import public_page
from ovp.core.uploads import text_form
from stakeholders import selectors, services, spam
from stakeholders.forms import CommunityInputForm


@text_form
@public_page
@same_site_posts
def have_your_say(request: HttpRequest) -> HttpResponse:
    """The public form: a resident says what their area needs, without saying who they are.
    Its page is the same for everyone and cached whole (no CSRF token: a post another site's
    page sends is refused by `same_site_posts` instead). Every POST is counted against the
    client's address first (stakeholders/spam.py)."""
    areas = selectors.public_input_areas()
    form = CommunityInputForm(request.POST or None, areas=areas)
    if request.method == "POST":
        if spam.over_limit(request):
            response = render(request, "stakeholders/public/too_many.html", status=429)
            response["Retry-After"] = str(spam.WINDOW)
            return response
        if request.POST.get(spam.HONEYPOT):
            return redirect("public_input:thanks")  # looks accepted; nothing is stored
        if form.is_valid() and _sent_in_time(request, form):
            data = form.cleaned_data
            if form_action(
                form,
                lambda: services.community_input_submit(
                    area=data["area"], topic=data["topic"], text=data["text"]
                ),
            ):
                return redirect("public_input:thanks")
    return render(
        request,
        "stakeholders/public/have_your_say.html",
        {"form": form, "started": spam.started_token(), "honeypot": spam.HONEYPOT},
    )


def _sent_in_time(request: HttpRequest, form: CommunityInputForm) -> bool:
    problem = spam.fill_time_problem(request.POST.get("started", ""))
    if problem:
        form.add_error(None, problem)
    return problem is None


@login_not_required
@never_cache
def have_your_say_started(request: HttpRequest) -> JsonResponse:
    """A freshly signed time for the form (static/js/have_your_say.js asks for it as the page
    opens): the page itself is cached, so the time it holds may be minutes old, and the
    minimum fill time would protect nothing. Without script the page's own time is sent."""
    return JsonResponse({"started": spam.started_token()})


@public_page
def have_your_say_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "stakeholders/public/thanks.html")


routes: list[URLPattern] = [
    path("", have_your_say, name="have_your_say"),
    path("thanks/", have_your_say_thanks, name="thanks"),
    path("started/", have_your_say_started, name="started"),
]
