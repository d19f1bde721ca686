"""Why formation or brokering cannot place the schools is said in the reader's language: the engine
(which imports no Django) names the reason with a code and its figures, and
kindred/brokering/infeasible.py words each code (the run's page and its job: tests/core/test_job_errors.py)."""

import re
from pathlib import Path

import numpy as np
import pytest
from django.utils import translation

from kindred.brokering.infeasible import REASONS, infeasible_said
from kindred.core.progress import stored_message, worded
from kindred.engine import brokering, formation

SOURCES = [
    Path(formation.__file__),
    Path(brokering.__file__),
    Path(formation.__file__).parents[1] / "brokering" / "computing.py",
]


def _read(said, language: str) -> str:
    text, params = stored_message(said, length=2000)
    with translation.override(language):
        return worded(text, params)


def test_every_code_the_engine_raises_has_a_message():
    raised = {code for path in SOURCES for code in re.findall(r'code="([a-z_]+)"', path.read_text())}
    assert raised and raised <= REASONS.keys(), raised - REASONS.keys()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "7 schools cannot make even one network of at least 8"), ("cy", "ni all 7 ysgol ffurfio")],
)
def test_the_engines_reason_is_worded_with_its_figures(language, words):
    with pytest.raises(formation.Infeasible) as refused:
        formation.form_networks(np.linspace(51, 52, 7), np.linspace(-1, 0, 7), min_size=8, max_size=10)
    assert (refused.value.code, refused.value.params) == ("too_few_schools", {"n": 7, "min": 8})
    assert words in _read(infeasible_said(refused.value), language)


@pytest.mark.parametrize("language", ["cy", "ar"])
@pytest.mark.parametrize("code", sorted(REASONS))
def test_every_reason_reads_without_english_in_welsh_and_arabic(code, language):
    figures = dict.fromkeys(["n", "min", "max", "above", "low", "high", "asked", "wants", "capacity"], 3)
    figures |= {"schools": 3, "room": 3, "measure": "fsm_pct"}
    said = infeasible_said(formation.Infeasible("English", code=code, **figures))
    text = _read(said, language)
    assert "%(" not in text and "English" not in text
    english = _read(said, "en")
    assert text != english
    # no run of three English words of the English sentence is left in it
    words = re.findall(r"[a-z]{3,}", english)
    assert not any(" ".join(words[i : i + 3]) in text for i in range(len(words) - 2))
