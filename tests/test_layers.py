"""The import contracts (.importlinter, docs/architecture.md "Layers") hold, and would catch a break.

The same check runs as `lint-imports` in .ci/run; here it also proves that each kind of contract
fails when an import of the kind it forbids is planted in Kindred's real import graph.
"""

from copy import deepcopy
from pathlib import Path

import grimp
import pytest
from importlinter import configuration
from importlinter.application.use_cases import read_user_options
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.protected import ProtectedContract

CONFIG = Path(__file__).resolve().parents[1] / ".importlinter"
KINDS = {"layers": LayersContract, "forbidden": ForbiddenContract, "protected": ProtectedContract}


@pytest.fixture(scope="module")
def options():
    configuration.configure()  # import-linter's own set-up, as its command does
    return read_user_options(str(CONFIG))


@pytest.fixture(scope="module")
def kindred_graph():
    return grimp.build_graph("kindred", include_external_packages=True, cache_dir=None)


def broken(options, graph, *, planted: list[tuple[str, str]] = (), modules: list[str] = ()) -> list[str]:
    """The names of the contracts broken by Kindred's imports plus the `planted` ones."""
    graph = deepcopy(graph)
    for module in modules:
        graph.add_module(module)
    for importer, imported in planted:
        graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="planted")
    names = []
    for contract_options in options.contracts_options:
        contract = KINDS[contract_options["type"]](
            name=contract_options["name"],
            session_options=options.session_options,
            contract_options=contract_options,
        )
        if not contract.check(deepcopy(graph), verbose=False).kept:
            names.append(contract.name)
    return names


def test_every_import_contract_is_kept(options, kindred_graph):
    assert broken(options, kindred_graph) == []


def test_an_import_up_the_layers_breaks_the_layers_contract(options, kindred_graph):
    # The registry reaching up to the networks built on it: how the old cycle of every app began.
    assert broken(
        options, kindred_graph, planted=[("kindred.schools.models", "kindred.networks.models")]
    ) == ["Each app imports only the layers below it"]


def test_two_apps_of_one_layer_may_not_import_each_other(options, kindred_graph):
    assert broken(options, kindred_graph, planted=[("kindred.board.services", "kindred.events.models")]) == [
        "Each app imports only the layers below it"
    ]


def test_a_new_app_must_be_given_a_layer(options, kindred_graph):
    assert broken(options, kindred_graph, modules=["kindred.unplaced", "kindred.unplaced.models"]) == [
        "Each app imports only the layers below it"
    ]


def test_the_engine_may_not_import_django(options, kindred_graph):
    assert broken(options, kindred_graph, planted=[("kindred.engine.families", "django")]) == [
        "The engine is pure: no Django, no Kindred app"
    ]


def test_an_app_may_not_import_another_apps_views(options, kindred_graph):
    # Downwards, so the layers allow it; a view is still no app's API but its own app's.
    assert broken(
        options, kindred_graph, planted=[("kindred.offers.selectors", "kindred.evidence.views")]
    ) == ["Only the evidence app imports its views"]
