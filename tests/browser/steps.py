"""What a person does in the browser, shared by the journeys: log in and out, open a page from
the main menu, fill in a report's figures."""

from tests.factories import PASSWORD


def log_in(page, email: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page) -> None:
    page.context.clear_cookies()


def open_from_menu(page, menu: str, link: str) -> None:
    """Open a page from one of the main navigation bar's menus."""
    bar = page.get_by_role("navigation", name="Main")
    bar.get_by_role("button", name=menu).click()
    bar.get_by_role("link", name=link).click()


def fill_report(page, **figures: str) -> None:
    for label, value in figures.items():
        page.get_by_label(label, exact=True).fill(value)
