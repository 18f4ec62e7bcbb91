"""The program survey: the columns the office sends out, the import of completed surveys
(all rows or none) and the inventory in the same columns, for CSV and Excel."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q

from inventory.models import Evidence, Program, ProgramStatus, ServiceArea, Strategy, Tier
from ovp.areas.models import Area, normalize_area_code
from ovp.core.exports import FORMULA_STARTS
from stakeholders.models import Organisation

# The survey the office sends to organisations, one program a row. The inventory's CSV and
# Excel exports have the same columns, so an export can be corrected and imported back.
SURVEY_COLUMNS: list[tuple[str, str]] = [
    ("program", "Name of the program or effort (required)"),
    ("lead_organisation", "Organisation that runs it, as named in the registry (required)"),
    ("partners", "Partner organisations, separated by ;"),
    ("strategy", "One of: " + "; ".join(label for _, label in Strategy.choices)),
    ("tier", "One of: " + "; ".join(label for _, label in Tier.choices)),
    ("model_name", "The model it follows, if any (e.g. Cure Violence)"),
    ("evidence", "Rating of the model: " + "; ".join(label for _, label in Evidence.choices)),
    ("evidence_source", "Where the rating comes from"),
    ("ages_served", "e.g. 14-24"),
    ("risk_group", "Who it is for"),
    ("formal", "yes for a formal program, no for an informal effort"),
    ("funded_by_office", "yes or no"),
    ("capacity", "People it can serve in a year (a whole number)"),
    ("annual_budget", "Annual budget in dollars (a whole number)"),
    ("funding_sources", "Who funds it"),
    ("status", "One of: " + "; ".join(label for _, label in ProgramStatus.choices)),
    ("areas", "Codes of the areas it serves, separated by ;"),
    ("serving_since", "Date it started serving those areas (YYYY-MM-DD)"),
    ("description", "What it does, in a sentence or two"),
]


SURVEY_HEADER = [name for name, _ in SURVEY_COLUMNS]


REQUIRED_COLUMNS = ["program", "lead_organisation", "strategy", "tier"]


YES, NO = {"yes", "y", "true", "1"}, {"no", "n", "false", "0", ""}


MAX_SURVEY_ROWS = 5_000


@dataclass
class SurveyResult:
    created: int = 0
    updated: int = 0
    service_areas_added: int = 0
    errors: list[str] = field(default_factory=list)


def _choice(value: str, choices: list[tuple[str, str]], column: str) -> str:
    """A choice written as its code or its label, in any case."""
    wanted = value.strip().lower()
    for code, label in choices:
        if wanted in (code.lower(), label.lower()):
            return code
    raise ValidationError(
        f"{column}: '{value}' is not one of " + "; ".join(label for _, label in choices)
    )


def _yes_no(value: str, column: str) -> bool:
    wanted = value.strip().lower()
    if wanted in YES:
        return True
    if wanted in NO:
        return False
    raise ValidationError(f"{column}: write yes or no, not '{value}'")


def _whole_number(value: str, column: str) -> int | None:
    text = value.strip().replace(",", "").replace("$", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValidationError(f"{column}: '{value}' is not a number") from None
    if not number.is_finite() or number < 0 or number != number.to_integral_value():
        raise ValidationError(f"{column}: '{value}' is not a whole number of 0 or more")
    return int(number)


def _names(value: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", value) if part.strip()]


# survey column -> program field (name and lead organisation identify the program)
COLUMN_FIELDS = {
    "strategy": "strategy", "tier": "tier", "model_name": "model_name", "evidence": "evidence",
    "evidence_source": "evidence_source", "ages_served": "population_ages",
    "risk_group": "risk_group", "formal": "formal", "funded_by_office": "funded_by_office",
    "capacity": "capacity", "annual_budget": "annual_budget",
    "funding_sources": "funding_sources", "status": "status", "description": "description",
}  # fmt: skip


@dataclass
class _Row:
    line: int
    values: dict[str, Any]
    given: set[str]  # the fields the row fills in: only these change an existing program
    partners: list[Organisation]
    areas: list[Area]
    serving_since: date | None


def _parse_row(
    line: int,
    raw: dict[str, str],
    organisations: dict[str, Organisation],
    areas: dict[str, Area],
) -> _Row:
    """One survey row, checked; every problem of the row in one ValidationError."""
    cell = {name: (raw.get(name) or "").strip() for name in SURVEY_HEADER}
    problems = [f"{name}: required" for name in REQUIRED_COLUMNS if not cell[name]]
    lead, partners = _row_organisations(cell, organisations, problems)
    values: dict[str, Any] = {"name": cell["program"], "lead_organisation": lead}
    values.update(_row_values(cell, problems))
    served, serving_since = _row_areas(cell, areas, problems)
    if not problems:
        problems += _program_problems(Program(**values))
    if problems:
        raise ValidationError([f"Row {line}: {problem}" for problem in problems])
    given = {field for column, field in COLUMN_FIELDS.items() if cell[column]}
    return _Row(line, values, given, partners, served, serving_since)


def _row_organisations(
    cell: dict[str, str], organisations: dict[str, Organisation], problems: list[str]
) -> tuple[Organisation | None, list[Organisation]]:
    """The row's lead organisation and its partners (other than the lead), from the registry."""
    lead = organisations.get(cell["lead_organisation"].lower())
    if cell["lead_organisation"] and lead is None:
        problems.append(
            f"lead_organisation: '{cell['lead_organisation']}' is not in the registry; "
            "add the organisation first or correct its name"
        )
    partners = []
    for name in _names(cell["partners"]):
        partner = organisations.get(name.lower())
        if partner is None:
            problems.append(f"partners: '{name}' is not in the registry")
        elif partner != lead:
            partners.append(partner)
    return lead, partners


def _row_values(cell: dict[str, str], problems: list[str]) -> dict[str, Any]:
    """The program's own fields from the row: choices, yes/no, whole numbers and texts."""

    def check(function: Any, *args: Any) -> Any:
        try:
            return function(*args)
        except ValidationError as error:
            problems.extend(error.messages)
            return None

    values: dict[str, Any] = {}
    if cell["strategy"]:
        values["strategy"] = check(_choice, cell["strategy"], Strategy.choices, "strategy")
    if cell["tier"]:
        values["tier"] = check(_choice, cell["tier"], Tier.choices, "tier")
    values["evidence"] = (
        check(_choice, cell["evidence"], Evidence.choices, "evidence")
        if cell["evidence"]
        else Evidence.NOT_RATED
    )
    values["status"] = (
        check(_choice, cell["status"], ProgramStatus.choices, "status")
        if cell["status"]
        else ProgramStatus.ACTIVE
    )
    values["formal"] = check(_yes_no, cell["formal"] or "yes", "formal")
    values["funded_by_office"] = check(_yes_no, cell["funded_by_office"], "funded_by_office")
    values["capacity"] = check(_whole_number, cell["capacity"], "capacity")
    values["annual_budget"] = check(_whole_number, cell["annual_budget"], "annual_budget")
    for column, model_field in [
        ("model_name", "model_name"),
        ("evidence_source", "evidence_source"),
        ("ages_served", "population_ages"),
        ("risk_group", "risk_group"),
        ("funding_sources", "funding_sources"),
        ("description", "description"),
    ]:
        values[model_field] = cell[column]
    return values


def _row_areas(
    cell: dict[str, str], areas: dict[str, Area], problems: list[str]
) -> tuple[list[Area], date | None]:
    """The areas the row's program serves, by code, and since when."""
    served = []
    for code in _names(cell["areas"]):
        area = areas.get(normalize_area_code(code))
        if area is None:
            problems.append(f"areas: no area with code '{code}'")
        else:
            served.append(area)
    serving_since = None
    if cell["serving_since"]:
        try:
            serving_since = date.fromisoformat(cell["serving_since"])
        except ValueError:
            problems.append(f"serving_since: '{cell['serving_since']}' is not a date (YYYY-MM-DD)")
    elif served:
        problems.append("serving_since: required when areas are given")
    return served, serving_since


def _program_problems(program: Program) -> list[str]:
    """What the model's own validation says of a row's program, as "field: message"."""
    try:
        program.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        return [
            f"{name}: {message}"
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return []


def _read_survey(content: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of a survey file, each with its line number in the file."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")
        except UnicodeDecodeError:
            raise ValidationError("The file is not a text CSV file.") from None
    if "\x00" in text:
        raise ValidationError("The file holds NUL bytes: it is not a text CSV file.")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    if not header:
        raise ValidationError("The file is empty.")
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValidationError(
            "The file lacks the survey's column(s) " + ", ".join(missing)
            + ". Start from the survey template."
        )  # fmt: skip
    reader.fieldnames = header
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for raw in reader:
            # the template's line of help text is not a program (csv skips blank lines)
            if (raw.get("program") or "").startswith("Name of the program"):
                continue
            if not any((v or "").strip() for v in raw.values() if isinstance(v, str)):
                continue
            rows.append((reader.line_num, {k: _unquoted(v) for k, v in raw.items() if k}))
            if len(rows) > MAX_SURVEY_ROWS:
                raise ValidationError(f"The file has more than {MAX_SURVEY_ROWS:,} rows.")
    except csv.Error as error:
        raise ValidationError(
            f"The file is not a valid CSV file (line {reader.line_num}: {error})."
        ) from None
    return rows


def _unquoted(value: Any) -> str:
    """A cell as written, without the quote our exports put before a formula-like start."""
    text = value if isinstance(value, str) else ""
    if text.startswith("'") and text[1:2] in FORMULA_STARTS:
        return text[1:]
    return text


def survey_import(*, content: bytes, area_kind: str) -> SurveyResult:
    """Import completed surveys: a row creates a program, or updates the program of the same
    name and lead organisation, and adds the areas it serves (from `serving_since`) that it
    does not serve already. Areas a program no longer lists are left as they are: ending a
    service area is the office's decision, made on the program's page. Any error in any row
    and nothing is saved; the result lists every row's errors."""
    result = SurveyResult()
    try:
        raw_rows = _read_survey(content)
    except ValidationError as error:
        result.errors = error.messages
        return result
    organisations = {org.name.lower(): org for org in Organisation.objects.all()}
    areas = {area.code: area for area in Area.objects.of_kind(area_kind)}
    rows: list[_Row] = []
    seen: dict[tuple[str, int], int] = {}
    for line, raw in raw_rows:
        try:
            row = _parse_row(line, raw, organisations, areas)
        except ValidationError as error:
            result.errors.extend(error.messages)
            continue
        key = (row.values["name"].lower(), row.values["lead_organisation"].pk)
        if key in seen:
            result.errors.append(f"Row {line}: the same program as row {seen[key]}")
            continue
        seen[key] = line
        rows.append(row)
    if not rows and not result.errors:
        result.errors.append("The file has no programs in it.")
    if result.errors:
        return result
    with transaction.atomic():
        for row in rows:
            try:
                _save_survey_row(row, result)
            except ValidationError as error:
                result.errors.extend(f"Row {row.line}: {message}" for message in error.messages)
        if result.errors:
            transaction.set_rollback(True)  # all or nothing
            result.created = result.updated = result.service_areas_added = 0
    return result


def _save_survey_row(row: _Row, result: SurveyResult) -> None:
    lead = row.values["lead_organisation"]
    program = Program.objects.filter(
        name__iexact=row.values["name"], lead_organisation=lead
    ).first()
    if program is None:
        program = Program(**row.values)
        result.created += 1
    else:
        # a column left out or left blank keeps what the inventory holds
        for name in row.given:
            setattr(program, name, row.values[name])
        result.updated += 1
    program.full_clean()
    program.save()
    if row.partners:
        program.partners.add(*row.partners)
    for area in row.areas:
        assert row.serving_since is not None  # checked with the row
        # served already: a period of that area still going on at `serving_since` or later
        serving = (
            program.service_areas.filter(area=area)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=row.serving_since))
            .exists()
        )
        if not serving:
            service_area = ServiceArea(program=program, area=area, started_on=row.serving_since)
            service_area.full_clean()
            service_area.save()
            result.service_areas_added += 1


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Model):
        return str(value)
    return "" if value is None else value


def inventory_rows(programs: Any, *, on: date) -> list[list[Any]]:
    """The inventory in the survey's columns (labels, not codes), for CSV and Excel."""
    rows: list[list[Any]] = []
    for program in programs.select_related("lead_organisation").prefetch_related(
        "partners", "service_areas__area"
    ):
        current = [
            s
            for s in program.service_areas.all()
            if s.started_on <= on and (s.ended_on is None or s.ended_on >= on)
        ]
        rows.append(
            [
                program.name,
                program.lead_organisation.name,
                "; ".join(p.name for p in program.partners.all()),
                program.get_strategy_display(),
                program.get_tier_display(),
                program.model_name,
                program.get_evidence_display(),
                program.evidence_source,
                program.population_ages,
                program.risk_group,
                _cell(program.formal),
                _cell(program.funded_by_office),
                _cell(program.capacity),
                _cell(program.annual_budget and int(program.annual_budget)),
                program.funding_sources,
                program.get_status_display(),
                "; ".join(s.area.code for s in current),
                min((s.started_on for s in current), default=""),
                program.description,
            ]
        )
    return rows
