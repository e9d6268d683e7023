"""The committed openapi.yaml describes the API as it is (regenerate with `make openapi`)."""

from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[4]


def test_committed_openapi_schema_is_current(tmp_path):
    fresh = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(fresh), "--validate", "--fail-on-warn")
    committed = (ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert fresh.read_text(encoding="utf-8") == committed, "openapi.yaml is out of date: run `make openapi`"
