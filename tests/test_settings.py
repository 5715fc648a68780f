from pathlib import Path

import pytest

from overlap.errors import SettingsError, SettingsMismatchError
from overlap.settings import Settings


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"shingle": 0}, "shingle must be >= 1, got 0"),
        ({"window": 3, "shingle": 4}, "window must be >= shingle, got 3"),
        ({"stride": 30, "window": 24}, "stride must be <= window, got 30"),
        ({"num_perm": 100, "bands": 32}, "num_perm must be a multiple of bands"),
        ({"scheme": "legacy"}, "scheme must be one of affine32"),
        ({"seed": -1}, "seed must be in"),
        ({"max_gap": -1}, "max_gap must be >= 0"),
        ({"window": "24"}, "window must be an integer"),
        ({"window": True}, "window must be an integer"),
        ({"normaliser": "0"}, "normaliser must be"),
        ({"content_ngram": 5}, "content_ngram must be in"),
        ({"content_scheme": "x"}, "content_scheme must be one of"),
        ({"content_span": 0}, "content_span must be >= 1"),
        ({"sentence_skew": -1}, "sentence_skew must be >= 0"),
        ({"scan_paraphrase": 1}, "scan_paraphrase must be true or false"),
    ],
)
def test_bad_settings_name_the_value(values: dict[str, object], message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        Settings(**values)  # type: ignore[arg-type]


def test_unknown_key_is_rejected_by_name() -> None:
    with pytest.raises(SettingsError, match="unknown setting 'windw'"):
        Settings.from_dict({"windw": 3})


def test_round_trip_and_rows() -> None:
    s = Settings(num_perm=128, bands=32)
    assert s.rows == 4
    assert Settings.from_dict(s.to_dict()) == s


def test_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("[settings]\nwindow = 30\nstride = 10\n")
    assert Settings.from_toml(path).window == 30
    path.write_text("[settings]\nwindow = \n")
    with pytest.raises(SettingsError, match="cannot read settings"):
        Settings.from_toml(path)


def test_check_index_names_the_difference() -> None:
    stored = Settings(window=30).index_dict()
    with pytest.raises(SettingsMismatchError, match="window: stored 30, current 16"):
        Settings().check_index(stored, "corpus store x")
    Settings(window=30, min_words=12).check_index(stored, "x")  # alignment settings may differ


def test_a_store_made_before_the_content_sketch_is_refused_naming_it() -> None:
    stored = {k: v for k, v in Settings().index_dict().items() if not k.startswith("content")}
    with pytest.raises(SettingsMismatchError, match="content_ngram: not in the store"):
        Settings().check_index(stored, "corpus store x")
