"""The shape of the code: module and function sizes, every portal module in a layer, and scope applied
by every scoped model and every page that reads one."""

import ast
import tomllib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGES = ("portal", "wards", "campaigns", "reports")
SKIP_PARTS = {"migrations", "__pycache__"}
BULKY = {"seed_scale.py", "bench.py"}  # generators and benchmarks: long by nature, run by hand
PROJECT_APPS = (
    "wards",
    "criteria",
    "results",
    "movement",
    "inspections",
    "contributions",
    "commendations",
    "plans",
    "reports",
    "portal",
)


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if not SKIP_PARTS & set(path.parts) and path.name not in BULKY:
                yield path


def test_no_module_is_over_500_lines():
    long = [f"{p.relative_to(ROOT)}: {n}" for p in _modules() if (n := len(p.read_text().splitlines())) > 500]
    assert long == []


def test_no_function_is_over_60_lines():
    long = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if (n := node.end_lineno - node.lineno + 1) > 60:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {n}")
    assert long == []


def test_every_module_of_portal_is_in_a_layer_of_the_import_contract():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c for c in config["contracts"] if c["type"] == "layers")["layers"]
    named = {name.strip() for layer in layers for name in layer.replace("|", ":").split(":")}
    portal = {
        f"portal.{p.stem}" for p in (ROOT / "portal").iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()
    }
    assert portal - {"portal.__init__"} <= named


# --- scope -----------------------------------------------------------------------------------------

# Models that reach a ward or a city but are never read by a page of the portal.
UNSCOPED = {
    "wards.Membership": "who belongs where: managed by administrators in the Django admin only",
    "reports.ReportPart": "a chunk of a report build in parts, read only by the Celery task that joins them",
    "criteria.Programme": "public reference, like the criteria sets: a province programme names its province, "
    "and every page lists only the programmes of the units it shows (campaigns.results.programmes)",
}


def _reaches_a_unit(model, depth: int = 4) -> bool:
    if model._meta.label in ("wards.Ward", "wards.City"):
        return True
    if depth == 0:
        return False
    return any(
        f.is_relation
        and (f.many_to_one or f.many_to_many or f.one_to_one)
        and not f.auto_created
        and f.related_model not in (None, model)
        and _reaches_a_unit(f.related_model, depth - 1)
        for f in model._meta.get_fields()
    )


def _scoped_models():
    return [
        m
        for label in PROJECT_APPS
        for m in apps.get_app_config(label).get_models()
        if _reaches_a_unit(m) and m._meta.label not in UNSCOPED
    ]


def test_the_scoped_models_are_the_ones_we_expect():
    labels = {m._meta.label for m in _scoped_models()}
    assert {
        "wards.Ward",
        "wards.Neighbourhood",
        "results.Submission",
        "results.Evidence",
        "movement.Task",
        "movement.TaskAttachment",
        "movement.Commitment",
        "inspections.Registration",
        "inspections.Visit",
        "inspections.VisitPhoto",
        "contributions.Contribution",
        "commendations.Commendation",
        "plans.PlanTarget",
        "reports.Report",
    } <= labels


@pytest.mark.parametrize("model", _scoped_models(), ids=lambda m: m._meta.label)
def test_every_model_with_a_path_to_a_ward_has_visible_to(model):
    assert callable(getattr(model.objects, "visible_to", None)), f"{model._meta.label} needs visible_to(user)"


# Pages and exports fetch scoped rows only through `visible_to`/`editable_by`. A bare
# `Model.objects…` there must be listed here with the reason it cannot leak another ward's data.
BARE_QUERY_ALLOWED = {
    "wards/views.py: Profile": "the profile of a unit fetched through get_*_for_user, or a subquery on visible units",
    "campaigns/results/views/entry.py: Submission": "the owed grid and review list of a ward from get_ward_for_user",
    "campaigns/results/views/entry.py: CriterionResult": "prefetched for those submissions of a visible ward",
    "campaigns/results/views/entry.py: Evidence": "the evidence of one submission fetched through visible_to",
    "reports/unit_pages.py: PartyCellRating": "a subquery on party cells of a ward or neighbourhood the user reads",
    "reports/unit_pages.py: Submission": "the latest report in each programme of a unit from get_*_for_user",
    "reports/views.py: CriterionResult": "the ward dashboard's heat row, for a ward from get_ward_for_user",
    "reports/views.py: Report": "the current report of the same scope as a report fetched through visible_to",
}
PAGE_MODULES = ("views", "unit_pages", "exports", "dashboards", "national")


def _page_modules():
    for path in _modules():
        if any(part.removesuffix(".py") in PAGE_MODULES for part in path.relative_to(ROOT).parts):
            yield path


def _bare_queries(path: Path, scoped: set[str]):
    tree = ast.parse(path.read_text())
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects" and isinstance(node.value, ast.Name):
            if node.value.id not in scoped:
                continue
            chain, up = [], node
            while isinstance(parents.get(up), ast.Attribute | ast.Call):
                up = parents[up]
                if isinstance(up, ast.Attribute):
                    chain.append(up.attr)
            if not {"visible_to", "editable_by"} & set(chain):
                yield node.value.id, node.lineno


def test_pages_and_exports_query_scoped_models_only_through_visible_to():
    scoped = {m.__name__ for m in _scoped_models()}
    found = {
        f"{path.relative_to(ROOT)}: {name}": line
        for path in _page_modules()
        for name, line in _bare_queries(path, scoped)
    }
    assert sorted(set(found) - set(BARE_QUERY_ALLOWED)) == []
