"""Fault tests: slow, so `pytest` deselects them (pyproject's addopts has
`-m 'not faults'`); run them with `pytest -m faults tests/faults`.

Their servers and worker processes must see what the test wrote, so the test
database is one another process can open: a file for SQLite (pytest-django's
default is in memory), and its own name on PostgreSQL, so a fault run does not
collide with a `make test-postgres` running beside it. Run the fault tests on
their own, as above: this choice is made once per pytest session."""

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    from django.conf import settings

    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        test["NAME"] = str(tmp_path_factory.mktemp("faults-db") / "test.sqlite3")
    else:
        test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_faults"


def database_url():
    """A URL of the test database, for processes other than this one."""
    from django.db import connection

    database = connection.settings_dict
    if connection.vendor == "sqlite":
        name = database["NAME"]
        assert "memory" not in str(name), f"the test database must be a file, not {name!r}"
        return f"sqlite:///{name}"
    assert connection.vendor == "postgresql", connection.vendor
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


_numbers = []


@pytest.fixture
def fault_report():
    """Say what a fault test measured; shown at the end of the run, -s or not."""

    def report(line):
        _numbers.append(line)
        print(line)

    return report


def pytest_terminal_summary(terminalreporter):
    if _numbers:
        terminalreporter.section("fault tests: what they measured")
        for line in _numbers:
            terminalreporter.write_line(line)
