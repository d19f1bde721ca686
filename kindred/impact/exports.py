"""The impact CSVs: one place for their columns and for how a number is written (six significant digits)."""

from collections.abc import Iterable, Iterator

from django.http import HttpResponse

from kindred.core.csv_export import csv_writer

#: The outcome effect's columns (issue #25), one row per unit and measure; effect, lower and upper are
#: empty when there were too few schools to tell.
EFFECT_COLUMNS = ("unit", "measure", "effect", "lower", "upper", "schools", "matched_schools", "pre_trend_p")

#: The participation ledger's columns, one row per school that was ever a member.
LEDGER_COLUMNS = (
    "school_id",
    "school",
    "first_joined",
    "left",
    "days_member",
    "events_hosted",
    "staff_places_used",
    "pupils_attended",
    "posts",
    "plan_actions_done",
)

#: The evidence pack's numbers (impact/pack.py, `pack_numbers`), one row per figure: which part of the
#: pack, what it is about (a school's registry id, a measure, a statement…), the figure, its value, where
#: it comes from and the date it was last true.
PACK_COLUMNS = ("section", "subject", "figure", "value", "source", "as_of")


#: The participation ledger over time, one row per school year (the year named by its start).
YEAR_COLUMNS = (
    "school_year",
    "schools",
    "events_hosted",
    "staff_places_used",
    "pupils_attended",
    "posts",
    "plan_actions_done",
)


def ledger_rows(ledger) -> Iterable[tuple]:
    """The ledger's schools as LEDGER_COLUMNS rows."""
    for row in ledger.schools:
        yield (
            row.school.registry_id,
            row.school.name,
            row.first_joined.date().isoformat(),
            "" if row.left is None else row.left.date().isoformat(),
            row.days_member,
            row.events_hosted,
            row.staff_places_used,
            row.pupils_attended,
            row.posts,
            row.actions_done,
        )


def year_rows(ledger) -> Iterable[tuple]:
    """The ledger's school years as YEAR_COLUMNS rows."""
    for y in ledger.years:
        yield (
            y.year,
            y.schools,
            y.events_hosted,
            y.staff_places_used,
            y.pupils_attended,
            y.posts,
            y.actions_done,
        )


def number(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def effect_row(
    *,
    unit: str,
    measure: str,
    effect: float | None,
    lower: float | None,
    upper: float | None,
    schools: int,
    controls: int,
    pre_trend_p: float | None,
) -> tuple:
    return (
        unit,
        measure,
        number(effect),
        number(lower),
        number(upper),
        schools,
        controls,
        number(pre_trend_p),
    )


def stored_effect_rows(unit: str, stored: Iterable) -> Iterator[tuple]:
    """`effect_row`s of stored effects (a network's or a programme's), one per measure."""
    for item in stored:
        yield effect_row(
            unit=unit,
            measure=item.measure.code,
            effect=item.effect,
            lower=item.lower,
            upper=item.upper,
            schools=item.schools,
            controls=item.controls,
            pre_trend_p=item.pre_trend_p,
        )


def csv_download(filename: str, columns: Iterable[str], rows: Iterable[Iterable]) -> HttpResponse:
    """An attachment written through the project's CSV writer (formulas neutralised)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_writer(response)
    writer.writerow(columns)
    writer.writerows(rows)
    return response


#: A programme's costs: one row for the programme, one per network, one per event with a cost
#: (an event's reach is its network's, so its per-head columns are empty).
COST_COLUMNS = (
    "unit",
    "level",
    "money",
    "staff_hours",
    "staff_time",
    "total",
    "schools",
    "teachers",
    "pupils",
    "per_school",
    "per_teacher",
    "per_pupil",
    "per_teacher_hour",
)


def _amount(value) -> str:
    return "" if value is None else f"{value:.2f}"


def cost_rows(programme, costs, networks) -> Iterable[tuple]:
    """COST_COLUMNS rows: the programme, each of `networks`, each costed event (impact/costs.py)."""
    units = [(programme.name, "programme", costs.programme)]
    units += [(n.name, "network", costs.networks[n.pk]) for n in networks]
    for name, level, c in units:
        yield (
            name,
            level,
            _amount(c.money),
            f"{c.staff_hours:.2f}",
            _amount(c.staff_time),
            _amount(c.total),
            c.schools,
            c.teachers,
            c.pupils,
            _amount(c.per_school),
            _amount(c.per_teacher),
            _amount(c.per_pupil),
            _amount(c.per_teacher_hour),
        )
    for e in costs.events:
        yield (
            e.event.title,
            "event",
            _amount(e.money),
            f"{e.staff_hours:.2f}",
            _amount(e.staff_time),
            _amount(e.money + e.staff_time),
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        )


#: Every number on a programme's page, one per row (long form): which part of the page, which unit
#: (the programme, a network, an event), which measure or school year where it has one, what it is.
NUMBER_COLUMNS = ("section", "unit", "measure", "school_year", "name", "value", "lower", "upper")


def survey_numbers(surveys) -> Iterable[tuple]:
    """NUMBER_COLUMNS rows of surveys' results (impact.selectors.SurveyResults): each round's staff asked,
    answers and response rate; each statement's mean with its 95% interval per round and the change, only
    where the page shows them (at least the survey's minimum of answers); free-text answers counted."""
    for s in surveys:
        title = s.survey.title
        for label, found in (("before", s.pre), ("after", s.post)):
            if found is None:
                continue
            yield ("survey", title, "", "", f"asked_{label}", found.asked, "", "")
            yield ("survey", title, "", "", f"answered_{label}", found.answered, "", "")
            yield ("survey", title, "", "", f"response_rate_{label}", number(found.rate), "", "")
        for st in s.statements:
            for label, summary in (("before", st.pre), ("after", st.post)):
                if summary is not None:
                    yield (
                        "survey",
                        title,
                        st.text,
                        "",
                        f"mean_{label}",
                        number(summary.mean),
                        number(summary.lower),
                        number(summary.upper),
                    )
                    yield ("survey", title, st.text, "", f"answers_{label}", summary.n, "", "")
            if st.change is not None:
                c = st.change
                yield (
                    "survey",
                    title,
                    st.text,
                    "",
                    "change",
                    number(c.difference),
                    number(c.lower),
                    number(c.upper),
                )
        for w in s.written:
            if w.shown:
                yield ("survey", title, w.text, "", "written_answers", w.answers, "", "")


def programme_numbers(*, programme, ledger, costs, networks, effects, value, surveys=()) -> Iterable[tuple]:
    """NUMBER_COLUMNS rows: participation (totals, by school year), costs (programme, networks, events),
    the effect on each measure with its event study, value for money (programme and networks) and the
    programme's surveys (survey_numbers)."""
    name = programme.name
    yield ("participation", name, "", "", "schools", len(ledger.schools), "", "")
    yield ("participation", name, "", "", "teachers", ledger.teachers, "", "")
    for key, total in ledger.totals.items():
        yield ("participation", name, "", "", key, total, "", "")
    for y in ledger.years:
        for key in (
            "schools",
            "events_hosted",
            "staff_places_used",
            "pupils_attended",
            "posts",
            "actions_done",
        ):
            yield ("participation by year", name, "", y.year, key, getattr(y, key), "", "")
    for p in ledger.partnerships:
        yield ("mentoring partnership", p.network.name, "", "", "days", p.days, "", "")
    for row in cost_rows(programme, costs, networks):
        unit, level, *figures = row
        for key, figure in zip(COST_COLUMNS[2:], figures, strict=True):
            if figure != "":
                yield (f"cost ({level})", unit, "", "", key, figure, "", "")
    for e in effects:
        code = e.measure.code
        yield ("effect", name, code, "", "effect", number(e.effect), number(e.lower), number(e.upper))
        yield ("effect", name, code, "", "schools", e.schools, "", "")
        yield ("effect", name, code, "", "matched_schools", e.controls, "", "")
        yield ("effect", name, code, "", "pre_trend_p", number(e.pre_trend_p), "", "")
        for x in e.event_study:
            yield (
                "event study",
                name,
                code,
                "",
                f"e={x['e']}",
                number(x["effect"]),
                number(x["lower"]),
                number(x["upper"]),
            )
    for m in value:
        for r in m.rows:
            g = r.per_gain
            yield (
                "value for money",
                r.name,
                m.measure.code,
                "",
                "cost_per_point",
                number(g.value),
                number(g.lower),
                number(g.upper),
            )
            if not r.given:
                yield ("value for money", r.name, m.measure.code, "", "why_not_given", g.outcome, "", "")
    yield from survey_numbers(surveys)
