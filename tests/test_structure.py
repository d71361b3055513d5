"""The structure checks `make lint` runs (tools/check_structure.py): public
Django APIs only, apps depending one way, imports at the top."""

from pathlib import Path

from tools.check_structure import PACKAGES, findings

ROOT = Path(__file__).resolve().parent.parent


def test_the_product_code_passes_the_structure_checks():
    assert findings(ROOT) == []


def plant(root, package, name, source):
    for each in PACKAGES:
        (root / each).mkdir(exist_ok=True)
    (root / package / name).write_text(source)


def test_a_private_orm_attribute_is_found(tmp_path):
    plant(
        tmp_path,
        "reflections",
        "selectors.py",
        "def rows(qs):\n    qs._result_cache = []\n    return qs.query.get_compiler('default')\n",
    )

    found = findings(tmp_path)

    assert any("`._result_cache`" in f for f in found) and any("`.get_compiler`" in f for f in found)


def test_an_import_against_the_direction_of_the_apps_is_found(tmp_path):
    plant(tmp_path, "accounts", "services.py", "from reflections.models import ShareConsent\n")
    plant(tmp_path, "reflections", "views.py", "import notifications.selectors\nfrom accounts.models import User\n")

    found = findings(tmp_path)

    assert len(found) == 2
    assert "accounts imports reflections" in found[0] and "reflections imports notifications" in found[1]


def test_each_app_imports_only_the_apps_below_it(tmp_path):
    plant(tmp_path, "library", "catalogue.py", "from reflections.models import Reflection\n")
    plant(tmp_path, "reflections", "pages.py", "from conversation.pages import shared_view\n")
    plant(tmp_path, "conversation", "views.py", "from coaching.selectors import coach_overview\n")
    plant(tmp_path, "coaching", "views.py", "from conversation.selectors import threads_for\nimport demo\n")

    found = findings(tmp_path)

    assert sorted(f.split(": ")[1] for f in found) == [
        "coaching imports demo",
        "conversation imports coaching",
        "library imports reflections",
        "reflections imports conversation",
    ]


def test_an_import_inside_a_function_is_found_except_in_an_apps_ready(tmp_path):
    plant(tmp_path, "notifications", "services.py", "def send():\n    from .tasks import task\n")
    plant(
        tmp_path, "notifications", "apps.py", "class Config:\n    def ready(self):\n        from . import receivers\n"
    )

    found = findings(tmp_path)

    assert found == ["notifications/services.py:2: import inside send(): import at the top of the module"]


def test_a_lazy_objects_insides_and_a_fields_private_hook_are_found(tmp_path):
    plant(
        tmp_path,
        "config",
        "logs.py",
        "from django.utils.functional import empty\n\ndef who(user):\n    return user._wrapped is empty\n",
    )
    plant(
        tmp_path, "reflections", "forms.py", "class Field:\n    def _check_values(self, value):\n        return value\n"
    )

    found = findings(tmp_path)

    assert any("imports `empty`" in f for f in found)
    assert any("`._wrapped`" in f for f in found)
    assert any("private `_check_values()`" in f for f in found)
