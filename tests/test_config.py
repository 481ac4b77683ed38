"""extract.config: --db and --municipality default from the environment, then ./manifesto.toml, then the built-in."""

from __future__ import annotations

import pytest

from extract.config import DEFAULT_DB, Defaults, load_defaults
from extract.errors import UsageError


def test_without_environment_or_file_the_built_in_defaults_apply(tmp_path):
    assert load_defaults({}, tmp_path) == Defaults(db=DEFAULT_DB, municipality=None)


def test_the_environment_wins_over_the_file(tmp_path):
    (tmp_path / "manifesto.toml").write_text('db = "from-file.db"\nmunicipality = "011002"\n', encoding="utf-8")
    assert load_defaults({}, tmp_path) == Defaults(db="from-file.db", municipality="011002")
    assert load_defaults({"MANIFESTO_DB": "env.db"}, tmp_path) == Defaults(db="env.db", municipality="011002")
    assert load_defaults({"MANIFESTO_MUNICIPALITY": "242161", "MANIFESTO_DB": ""}, tmp_path) == Defaults(
        db="from-file.db", municipality="242161")  # an empty variable is unset


@pytest.mark.parametrize("text, message", [
    ("db = ", "not valid TOML"),
    ('database = "x.db"', "unknown setting 'database'"),
    ("municipality = 242161", "municipality must be a quoted string"),
])
def test_a_bad_file_is_a_usage_error_naming_it(tmp_path, text, message):
    (tmp_path / "manifesto.toml").write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message) as raised:
        load_defaults({}, tmp_path)
    assert str(tmp_path / "manifesto.toml") in str(raised.value)
