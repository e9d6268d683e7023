import pytest

from uppsikt.channels.models import Channel, Status
from uppsikt.channels.services import staffing_report
from uppsikt.core.demo import build_demo
from uppsikt.policies.loader import preset_names

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("preset", preset_names())
def test_demo_builds_a_living_municipality_for_every_preset(preset):
    text = build_demo(preset)
    assert "uppsikt-demo-2026" in text and "reservkoder" in text
    statuses = set(Channel.objects.values_list("status", flat=True))
    assert statuses == set(Status.values)  # a channel in every lifecycle state
    assert Channel.objects.filter(status=Status.ACTIVE).values("platform").distinct().count() >= 4
    assert any(staffing_report(c).warnings for c in Channel.objects.filter(status=Status.ACTIVE))  # GOV-4 warning shown
    again = build_demo(preset)
    assert "redan" in again and Channel.objects.filter(name="Exempelby kommun").count() == 1


def test_setup_is_idempotent(tmp_path):
    import subprocess
    import sys

    env = {"UPPSIKT_DATA_DIR": str(tmp_path / "data"), "PATH": "/usr/bin:/bin"}
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "uppsikt", "setup"], env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "uppsikt.sqlite3").exists()
    listing = subprocess.run([sys.executable, "-m", "uppsikt", "channel", "list"], env=env, capture_output=True, text=True)
    assert listing.returncode == 0 and listing.stdout == ""
