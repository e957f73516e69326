"""The one set of words and formats people read: labels for stored keys, dates, moments, numbers, plurals."""

from datetime import UTC, date, datetime

import pandas as pd
import pytest

from portfolio import labels
from portfolio.checklist import RULES
from portfolio.models import Direction, KpiKind, Stage
from portfolio.scoring import DEFAULT_CRITERIA


def test_dates_read_as_day_month_year_and_moments_to_the_minute():
    assert labels.day(date(2026, 5, 7)) == "7 May 2026"
    assert labels.day(datetime(2026, 11, 23, 15, 29, 16, 121298, tzinfo=UTC)) == "23 Nov 2026"
    assert labels.day("2026-05-07") == "7 May 2026"
    assert labels.moment(datetime(2026, 11, 23, 15, 29, 16, 121298, tzinfo=UTC)) == "23 Nov 2026, 15:29"
    assert labels.moment(pd.Timestamp("2026-05-07T14:05:59+00:00")) == "7 May 2026, 14:05"
    assert labels.moment(date(2026, 5, 7)) == "7 May 2026"
    for nothing in (None, float("nan"), pd.NaT):
        assert labels.day(nothing) == "—"
        assert labels.moment(nothing, "never") == "never"


def test_enum_values_and_unknown_keys_read_as_words():
    assert labels.label(Stage, "scale_up") == "Scale-up"
    assert labels.label(KpiKind, "model_quality") == "Model quality"
    assert labels.label(Direction, "lower") == "Lower is better"
    assert labels.label(Stage, None) == "—"
    assert labels.label(Stage, "something_new") == "Something new"
    assert labels.humanise("ai_kpi_count") == "AI KPI count"


@pytest.mark.parametrize("key", [*RULES, "dpia", "manual", "pilot_evidence"])
def test_every_checklist_key_has_words(key):
    words = labels.checklist_item(key)
    assert "_" not in words and words[0].isupper()


def test_checked_by_applies_to_criteria_and_dimensions_in_words():
    assert labels.checked_by("manual") == "Confirmed by the approver"
    assert labels.checked_by("scored_by_two").startswith("Automatic: Scored by at least 2")
    assert labels.applies_to("customer_facing") == "Customer-facing use cases"
    for criterion in DEFAULT_CRITERIA:
        assert labels.criterion(criterion.key) == criterion.name
    assert labels.dimension("impact") == "Impact"


def test_audit_actions_and_fields_in_words():
    assert labels.action_label("pilot_review.recorded") == "Pilot review"
    assert labels.action_label("pilot.iterate") == "Pilot extended"
    assert labels.action_label("kpi.something_else") == "KPI something else"
    assert labels.field_label("measured_on") == "Date"
    assert labels.field_label("owner_id") == "Owner"
    assert labels.field_label("ai_act_tier") == "EU AI Act tier"


def test_numbers_money_and_plurals():
    assert labels.number(719.4, "hours per month") == "719 h/mo"
    assert labels.number(8.25, "score 1-10") == "8.2/10"
    assert labels.number(82, "%") == "82%"
    assert labels.money(32376.2) == "€32,376"
    assert labels.money(None, "not measured") == "not measured"
    assert labels.money_short(2_640_000) == "€2.6m" and labels.money_short(-412_300) == "−€412k"
    assert labels.money_short(950.4) == "€950" and labels.money_short(None) == labels.EMPTY
    assert labels.money_short(1_085_000_000) == "€1.1bn" and labels.money_short(999_949_999) == "€999.9m"
    assert labels.money_short(-2_500_000_000) == "−€2.5bn"
    assert labels.more(4031) == "and 4,031 more"
    assert labels.more(1234, " — see the Excel export") == "and 1,234 more — see the Excel export"
    assert labels.plural(1, "use case") == "1 use case"
    assert labels.plural(3, "use case") == "3 use cases"
    assert labels.plural(1204, "change") == "1,204 changes"
    assert labels.plural(2, "person", "people") == "2 people"


def test_a_kpi_s_unit_reads_as_a_manager_reads_it():
    assert labels.kpi_caption("business", "higher", "%") == "Business value · Higher is better · Unit: %"
    assert labels.kpi_caption("trust", "higher", "score 1-10").endswith("· Unit: score 1–10")
    assert labels.kpi_caption("business", "higher", "EUR per month").endswith("· Unit: € per month")
    assert labels.kpi_caption("business", "lower", "hours per month").endswith("· Unit: hours per month")
    assert labels.kpi_caption("business", "higher", "litres").endswith("· Unit: litres")  # as typed
    assert labels.kpi_caption("business", "higher", None) == "Business value · Higher is better"
    assert labels.unit_name(None) == labels.EMPTY


def test_a_kpi_to_pick_shows_its_unit_as_the_tiles_name_it():
    assert labels.kpi_choice("Customer satisfaction", "score 1-10") == "Customer satisfaction (score 1–10)"
    assert labels.kpi_choice("Cost saved", "EUR per month") == "Cost saved (€ per month)"
    assert labels.kpi_choice("Litres saved", "litres") == "Litres saved (litres)"  # as typed
    assert labels.kpi_choice("Adoption", None) == "Adoption"
    assert labels.kpi_choice("Adoption", " ") == "Adoption"
