"""`uppsikt policy list | show | check` (contracts/cli.md): clear lines, honest exit status."""

import json

import pytest
import yaml

from uppsikt.policies import commands
from uppsikt.policies.loader import PRESET_DIR, load_preset, preset_names


def write_policy(path, data):
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


# --- list ----------------------------------------------------------------------------

def test_list_names_and_titles_without_a_database(cli, no_database):
    status, out, err = cli("policy", "list")
    assert status == 0 and err == []
    lines = out.splitlines()
    assert [line.split("\t")[0] for line in lines] == preset_names()
    assert "mora\tMora kommun – Riktlinjer för sociala medier" in lines
    assert "nationell\tNationell grundnivå – lagkrav och gemensamma regler" in lines


def test_list_as_json(cli, no_database):
    status, out, _ = cli("policy", "list", "--json")
    assert status == 0
    rows = json.loads(out)
    assert {r["name"] for r in rows} == set(preset_names())
    assert all(r["kind"] == "preset" and r["valid"] for r in rows)


@pytest.mark.django_db
def test_list_includes_the_municipalitys_own_policies(cli, monkeypatch):
    from uppsikt.policies.services import copy_preset

    monkeypatch.setattr(commands, "_database_configured", lambda: True)
    copy_preset("mora", "vara-riktlinjer")
    status, out, err = cli("policy", "list")
    assert status == 0 and err == []
    assert "vara-riktlinjer\tMora kommun – Riktlinjer för sociala medier\t(egen, utgår från mora)" in out.splitlines()


# --- show ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["lilla-edet", "mora", "hultsfred", "kiruna", "nykoping", "nationell"])
def test_show_prints_the_validated_policy_as_json(cli, no_database, name):
    status, out, err = cli("policy", "show", name)
    assert status == 0 and err == []
    assert json.loads(out) == load_preset(name).model_dump(mode="json")


def test_show_unknown_policy_is_one_line(cli, no_database):
    status, out, err = cli("policy", "show", "ankeborg")
    assert status == 1 and out == ""
    assert err == [f"uppsikt: okänd policy 'ankeborg'; finns: {', '.join(preset_names())}"]


@pytest.mark.django_db
def test_show_the_municipalitys_own_policy(cli, monkeypatch):
    from uppsikt.policies.models import MunicipalPolicy
    from uppsikt.policies.services import copy_preset

    monkeypatch.setattr(commands, "_database_configured", lambda: True)
    copy_preset("kiruna", "vara-riktlinjer")
    status, out, _ = cli("policy", "show", "vara-riktlinjer")
    assert status == 0
    shown = json.loads(out)
    assert shown["name"] == "vara-riktlinjer" and shown["approval"]["chain"][0]["role"] == "forvaltningschef"

    # A row that no longer validates is reported, not shown.
    MunicipalPolicy.objects.filter(name="vara-riktlinjer").update(data={"name": "vara-riktlinjer"})
    status, out, err = cli("policy", "show", "vara-riktlinjer")
    assert status == 1 and out == ""
    assert len(err) == 1 and err[0].startswith("uppsikt: policyn 'vara-riktlinjer' är ogiltig: ")


# --- check ---------------------------------------------------------------------------

def test_check_all_presets(cli):
    status, out, err = cli("policy", "check")
    assert status == 0 and err == []
    assert out.splitlines() == [f"OK: {name}" for name in preset_names()]


def test_check_a_good_file(cli, tmp_path, preset_yaml):
    data = preset_yaml("kiruna")
    data["name"] = "vara-riktlinjer"
    status, out, err = cli("policy", "check", str(write_policy(tmp_path / "vår.yaml", data)))
    assert (status, out, err) == (0, "OK: vara-riktlinjer\n", [])


def test_check_reports_one_line_per_problem(cli, tmp_path, preset_yaml):
    data = preset_yaml()
    data["moderation"]["categories"]["threat"]["action"] = "x"
    status, out, err = cli("policy", "check", str(write_policy(tmp_path / "p.yaml", data)))
    assert status == 1 and out == ""
    assert len(err) == 1
    assert err[0].startswith("moderation.categories.threat.action: okänd åtgärd 'x'")


def test_check_several_problems_give_several_lines(cli, tmp_path, preset_yaml):
    data = preset_yaml()
    data["moderation"]["categories"]["threat"]["action"] = "x"
    data["response"]["hours"] = -1
    data["approval"]["chain"][0]["role"] = "kung"
    status, _, err = cli("policy", "check", str(write_policy(tmp_path / "p.yaml", data)))
    assert status == 1
    assert len(err) == 3
    assert [line.split(":")[0] for line in err] == ["approval.chain.0.role", "response.hours", "moderation.categories.threat.action"]


def test_check_invalid_utf8(cli, tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: m\xf6ssebo\n".encode("latin-1"))
    status, out, err = cli("policy", "check", str(path))
    assert status == 1 and out == ""
    assert err == [f"{path}: filen är inte giltig UTF-8 (byte 7)"]


def test_check_yaml_syntax_error(cli, tmp_path):
    path = tmp_path / "trasig.yaml"
    path.write_text("name: mora\nmoderation: [\n  a: b\n", encoding="utf-8")
    status, out, err = cli("policy", "check", str(path))
    assert status == 1 and out == ""
    assert len(err) == 1 and err[0].startswith(f"{path}: rad ") and "ogiltig YAML" in err[0]


@pytest.mark.parametrize("text", ["- en\n- lista\n", "bara text\n", ""])
def test_check_a_file_that_is_not_a_mapping(cli, tmp_path, text):
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    status, _, err = cli("policy", "check", str(path))
    assert status == 1 and err == ["(filen): en policy måste vara en YAML-mappning"]


def test_check_a_file_over_one_megabyte(cli, tmp_path):
    path = tmp_path / "stor.yaml"
    path.write_text("title: " + "x" * 1_100_000 + "\n", encoding="utf-8")
    status, out, err = cli("policy", "check", str(path))
    assert status == 1 and out == ""
    assert err == [f"{path}: filen är för stor för en policy (över 1 MB)"]


def test_check_a_missing_file_or_a_folder(cli, tmp_path):
    status, _, err = cli("policy", "check", str(tmp_path / "finns-inte.yaml"))
    assert status == 1 and err == [f"{tmp_path / 'finns-inte.yaml'}: filen finns inte"]
    status, _, err = cli("policy", "check", str(tmp_path))
    assert status == 1 and err == [f"{tmp_path}: är en mapp, inte en policyfil"]


def test_check_refuses_a_key_written_twice(cli, tmp_path):
    # YAML would silently keep the second `threat`; the editor must hear about it.
    text = (PRESET_DIR / "lilla-edet.yaml").read_text(encoding="utf-8")
    threat = next(line for line in text.splitlines() if line.strip().startswith("threat:"))
    path = tmp_path / "dubbel.yaml"
    path.write_text(text.replace(threat, threat + "\n" + threat.replace("hide_preserve_police_register", "hide_preserve_register")), encoding="utf-8")
    status, _, err = cli("policy", "check", str(path))
    assert status == 1
    assert len(err) == 1
    assert err[0].startswith("moderation.categories.threat: nyckeln står flera gånger (rad ")


def test_check_all_presets_names_the_broken_file(cli, tmp_path, monkeypatch, preset_yaml):
    good = preset_yaml("mora")
    write_policy(tmp_path / "mora.yaml", good)
    renamed = dict(good, name="annan")
    write_policy(tmp_path / "fel-namn.yaml", renamed)
    broken = preset_yaml("kiruna")
    broken["response"]["rule"] = "snart"
    write_policy(tmp_path / "kiruna.yaml", broken)
    monkeypatch.setattr(commands, "PRESET_DIR", tmp_path)
    monkeypatch.setattr(commands, "preset_names", lambda: sorted(p.stem for p in tmp_path.glob("*.yaml")))
    status, out, err = cli("policy", "check")
    assert status == 1
    assert out.splitlines() == ["OK: mora"]
    assert err[0] == "fel-namn.yaml: name: 'annan' stämmer inte med filnamnet 'fel-namn.yaml'"
    assert err[1].startswith("kiruna.yaml: response.rule: ogiltigt värde 'snart'")
    assert len(err) == 2


def test_policy_needs_an_action(capsys):
    from uppsikt.cli import main

    with pytest.raises(SystemExit) as exc:
        main(["policy"])
    assert exc.value.code == 2
    assert "ÅTGÄRD" in capsys.readouterr().err


def test_own_policies_are_read_only_where_a_database_exists(tmp_path):
    sqlite = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "uppsikt.sqlite3")}
    assert commands._database_exists(sqlite) is False  # never set up: presets only
    (tmp_path / "uppsikt.sqlite3").write_bytes(b"")
    assert commands._database_exists(sqlite) is True
    assert commands._database_exists({"ENGINE": "django.db.backends.postgresql", "NAME": "uppsikt"}) is True
