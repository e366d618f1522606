"""The house's arrows (docs/architecture.md): the import contracts in pyproject.toml hold on this tree, and
each one breaks on the import it forbids, so a new upward import or circle fails CI."""

import ast
from pathlib import Path

import pytest
from importlinter import configuration
from importlinter.application import use_cases
from importlinter.application.app_config import settings as linter

ROOT = Path(__file__).resolve().parent.parent
LAYERS = "Content app layers: entry points, services, caching, models and rules"
PROJECT = "Project layers: settings and URLs, operations, the content app, accounts"
CIRCLES = "No circles between sibling packages or modules"


@pytest.fixture
def broken(monkeypatch):
    """The names of the contracts broken by this tree plus the given (importer, imported) arrows."""
    # What lint-imports does before it checks (the CLI's own set-up).
    configuration.configure()
    use_cases._register_built_in_contract_types()
    real = linter.GRAPH_BUILDER

    class WithArrows:
        def __init__(self, arrows):
            self.arrows = arrows

        def build(self, **options):
            graph = real.build(**{**options, "cache_dir": None})
            for importer, imported in self.arrows:
                graph.add_import(importer=importer, imported=imported, line_number=1, line_contents="import")
            return graph

    def check(*arrows):
        monkeypatch.setitem(linter._config, "GRAPH_BUILDER", WithArrows(arrows))
        report = use_cases.create_report(
            use_cases.read_user_options(str(ROOT / "pyproject.toml")), cache_dir=None
        )
        assert not report.could_not_run, report.invalid_contract_options
        return {contract.name for contract, check in report.get_contracts_and_checks() if not check.kept}

    return check


def test_the_tree_keeps_every_contract(broken):
    assert broken() == set()


def test_a_model_importing_a_page_breaks_the_layers(broken):
    assert LAYERS in broken(("articles.models.site", "articles.public.cards"))


def test_caching_importing_a_service_breaks_the_layers(broken):
    assert LAYERS in broken(("articles.caching.invalidation", "articles.publishing.editing"))


def test_accounts_importing_the_content_app_breaks_the_project_layers(broken):
    assert PROJECT in broken(("newsroom.accounts.services", "articles.publishing.notifications"))


def test_two_services_importing_each_other_is_a_circle(broken):
    # Services may use each other (publishing -> webhooks), never both ways.
    assert broken(("articles.webhooks.events", "articles.publishing.workflow")) >= {CIRCLES}


def python_modules():
    for folder in ("articles", "newsroom", "bench", "scripts", "tests"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def test_no_module_is_over_400_lines():
    long = [
        f"{p.relative_to(ROOT)}: {n}"
        for p in python_modules()
        if (n := len(p.read_text().splitlines())) > 400
    ]
    assert long == []


# The cache is reached through caching/store.py, the one guard that survives an outage the same way for
# every layer. Outside articles/caching/, only these touch it directly, each for a reason of its own.
CACHE_CLIENTS = {
    "articles/public/errors.py",  # the 500 page: the guard's recovery hooks may query the failed database
    "newsroom/ops/health.py",  # /readyz reports the cache's own state
    "newsroom/redis_cache.py",  # the cache backend itself
}


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_cache_is_reached_only_through_the_store():
    direct = {
        str(path.relative_to(ROOT))
        for path in python_modules()
        if path.parts[len(ROOT.parts)] in ("articles", "newsroom")
        and "caching" not in path.parts
        and any(name.startswith(("django.core.cache", "redis")) for name in imports_of(path))
    }
    assert direct == CACHE_CLIENTS
