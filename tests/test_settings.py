import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def settings_read_from_environment() -> set[str]:
    source = (ROOT / "kindred" / "settings.py").read_text()
    return set(re.findall(r'env_(?:str|bool|int|list)\("([A-Z_]+)"', source))


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    names = settings_read_from_environment()
    assert len(names) > 10
    assert names - documented == set(), "add these settings to the README's table"


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "kindred.settings", **env},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_secret_key_is_required_when_debug_is_off(tmp_path):
    result = run_python("import django; django.setup()", DEBUG="false", KINDRED_VAR_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


PRINT_KEY = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"


def test_a_debug_instance_without_a_key_makes_its_own_random_key_once(tmp_path):
    first = run_python(PRINT_KEY, DEBUG="true", KINDRED_VAR_DIR=str(tmp_path / "one"))
    again = run_python(PRINT_KEY, DEBUG="true", KINDRED_VAR_DIR=str(tmp_path / "one"))
    other = run_python(PRINT_KEY, DEBUG="true", KINDRED_VAR_DIR=str(tmp_path / "two"))
    key = first.stdout.strip()
    assert first.returncode == 0, first.stderr
    assert len(key) >= 50 and "insecure" not in key
    assert again.stdout.strip() == key, "the key is kept, so sessions survive a restart"
    assert other.stdout.strip() != key, "no two installations share a key"
    stored = tmp_path / "one" / "secret_key"
    assert stored.read_text().strip() == key
    assert stored.stat().st_mode & 0o077 == 0, "only the owner may read the key"


def test_an_explicit_secret_key_wins_and_writes_no_file(tmp_path):
    result = run_python(PRINT_KEY, DEBUG="true", SECRET_KEY="k" * 60, KINDRED_VAR_DIR=str(tmp_path))
    assert result.stdout.strip() == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def test_a_bad_boolean_fails_loudly(tmp_path):
    result = run_python("import django; django.setup()", DEBUG="maybe", KINDRED_VAR_DIR=str(tmp_path))
    assert "DEBUG must be true or false" in result.stderr


def test_database_defaults_to_sqlite_under_var_and_reads_database_url(tmp_path):
    show = (
        "from django.conf import settings; d = settings.DATABASES['default']; print(d['ENGINE'], d['NAME'])"
    )
    default = run_python(show, DEBUG="true", KINDRED_VAR_DIR=str(tmp_path))
    assert default.stdout.split() == ["django.db.backends.sqlite3", str(tmp_path / "kindred.sqlite3")]
    postgres = run_python(show, DEBUG="true", DATABASE_URL="postgres://u@db.example:5432/kin")
    assert postgres.stdout.split() == ["django.db.backends.postgresql", "kin"]


def test_the_set_up_script_names_its_two_commands_when_called_without_one():
    result = subprocess.run([sys.executable, "run.py"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "python3 run.py demo" in result.stderr and "python3 run.py test" in result.stderr


def test_the_readme_gives_exactly_the_two_set_up_commands():
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Set up", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["python3 run.py demo", "python3 run.py test"]


def test_an_unknown_category_visibility_fails_loudly(tmp_path):
    result = run_python(
        "import django; django.setup()",
        DEBUG="true",
        SUPPORT_CATEGORIES_VISIBLE_TO="teachers",
        KINDRED_VAR_DIR=str(tmp_path),
    )
    assert (
        result.returncode != 0
        and "SUPPORT_CATEGORIES_VISIBLE_TO must be covered or signed_in" in result.stderr
    )


def test_postgresql_connections_turn_the_jit_off_unless_told_otherwise(tmp_path):
    show = "from django.conf import settings; print(settings.DATABASES['default'].get('OPTIONS', {}))"
    url = "postgres://u@db.example:5432/kin?options=-c%20statement_timeout%3D5000"
    default = run_python(show, DEBUG="true", DATABASE_URL=url)
    assert "'options': '-c statement_timeout=5000 -c jit=off'" in default.stdout
    kept = run_python(show, DEBUG="true", DATABASE_URL=url, DATABASE_JIT="true")
    assert "jit" not in kept.stdout
    sqlite = run_python(show, DEBUG="true", KINDRED_VAR_DIR=str(tmp_path))
    assert "jit" not in sqlite.stdout
