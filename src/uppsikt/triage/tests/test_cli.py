"""``uppsikt triage`` and ``uppsikt triage train`` as a person runs them."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def run(args, stdin=b"", env=None):
    full_env = dict(os.environ)
    full_env.pop("DJANGO_SETTINGS_MODULE", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "uppsikt", *args], input=stdin, capture_output=True, env=full_env, timeout=120, cwd=REPO)


def test_triage_cli_processes_good_lines_and_reports_bad_ones_in_place(tmp_path):
    lines = [
        json.dumps({"id": "d004", "text": "Jag kommer att skjuta er alla på nästa fullmäktigemöte"}).encode(),
        b"this is not json",
        json.dumps({"id": "d038", "text": "Grymt fint med de nya blomlådorna på torget", "platform": "facebook"}, ensure_ascii=False).encode(),
        b"\xff\xfe invalid utf-8",
        json.dumps({"id": "x", "text": 42}).encode(),
        b"[1, 2, 3]",
        json.dumps({"id": "d020", "text": "Rösta på Socialdemokraterna, för ett starkare Mora!"}, ensure_ascii=False).encode(),
    ]
    result = run(["triage", "--policy", "nykoping"], stdin=b"\n".join(lines) + b"\n", env={"UPPSIKT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2, result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == 7
    assert out[0] == {
        "id": "d004",
        "categories": ["threat"],
        "urgent": True,
        "action": "hide_preserve_police_register",
        "reasons": out[0]["reasons"],
    }
    assert out[0]["reasons"][0]["rule"].startswith("threat.")
    assert [o.get("line") for o in out] == [None, 2, None, 4, 5, 6, None]
    assert all(isinstance(o["error"], str) and o["error"] for o in out if "line" in o)
    assert out[2]["categories"] == ["trivial"] and out[2]["action"] == "no_action"
    assert out[6]["categories"] == ["party_political"] and out[6]["action"] == "hide_preserve_register"


def test_triage_cli_exit_zero_when_all_lines_are_good(tmp_path):
    result = run(["triage", "--policy", "lilla-edet"], stdin='{"id": 1, "text": "Hej"}\n'.encode(), env={"UPPSIKT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == 1


def test_triage_cli_unknown_policy_is_one_clear_line(tmp_path):
    result = run(["triage", "--policy", "finns-inte"], stdin=b"", env={"UPPSIKT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr.decode().count("\n") == 1 and "finns-inte" in result.stderr.decode()


def test_triage_train_writes_a_model_that_the_cli_then_uses(tmp_path):
    examples = [{"text": f"Kolla min nya blogg om glasögon nummer {i}, superbra grejer", "labels": ["commercial"]} for i in range(8)]
    examples += [{"text": f"Fint väder i parken idag, dag {i}", "labels": ["trivial"]} for i in range(8)]
    examples += [{"text": f"Hur bokar jag tid för bygglov, fråga {i}?", "labels": ["question"]} for i in range(4)]
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in examples) + "\n", encoding="utf-8")
    env = {"UPPSIKT_DATA_DIR": str(tmp_path / "data")}
    result = run(["triage", "train", str(labelled), "--policy", "mora"], env=env)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["examples"] == 20 and "commercial" in summary["categories"]
    assert Path(summary["model"]) == tmp_path / "data" / "triage" / "mora.joblib"
    triaged = run(["triage", "--policy", "mora"], stdin='{"id": "n", "text": "Kolla min nya blogg om glasögon, superbra grejer"}\n'.encode(), env=env)
    decision = json.loads(triaged.stdout)
    assert "commercial" in decision["categories"]
    assert any(r["rule"] == "model.commercial" for r in decision["reasons"])


def test_triage_train_rejects_bad_input_with_one_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "labels": ["nonsense"]}\n', encoding="utf-8")
    result = run(["triage", "train", str(bad)], env={"UPPSIKT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "okänd kategori" in result.stderr.decode()


def test_contract_line_is_exactly_the_json_of_the_decision():
    from uppsikt.policies import loader
    from uppsikt.triage.engine import Engine

    engine = Engine(loader.load_preset("mora"))
    for item_id, text in [("a\"b", "Jag kommer att skjuta er alla"), (7, "Tack!"), (None, ""), ({"x": [1]}, "Rösta på SD, jävla skit, 910707-4560")]:
        decision = engine.classify(text)
        assert json.loads(decision.contract_line(item_id)) == decision.to_json(item_id)
        assert decision.contract_line(item_id) == json.dumps(decision.to_json(item_id), ensure_ascii=False)
        # The stream's path, which builds no decision, writes the same line.
        assert engine.contract_line(text, item_id) == decision.contract_line(item_id)


def test_stream_output_is_byte_for_byte_the_json_of_each_decision():
    """The orjson fast path reads and writes exactly what the standard library would."""
    import io

    from uppsikt.policies import loader
    from uppsikt.triage.commands import run_stream
    from uppsikt.triage.engine import Engine

    engine = Engine(loader.load_preset("mora"))
    items = [
        ("åäö \"citat\" \\ \n\t\x01 \u2028 😀", "Rösta på SD, jävla skit, 910707-4560"),
        ("\ud800", "Tack!"),  # a lone surrogate in the id
        (12345678901234567890123, "Jag kommer att skjuta er alla"),
        (1.5, "Hur ansöker man om bygglov?"),
        (None, ""),
    ]
    raw = [json.dumps({"id": i, "text": t}, ensure_ascii=False).encode("utf-8", "surrogatepass") for i, t in items]
    raw[1] = json.dumps({"id": "\ud800", "text": "Tack!"}).encode()  # ASCII-escaped surrogate
    raw.append(b"\xef\xbb\xbf" + json.dumps({"id": "bom", "text": "Tack!"}).encode())
    raw.append(b'{"id": "nan", "score": NaN, "text": "Tack!"}\r')
    out = io.StringIO()
    assert run_stream(engine, io.BytesIO(b"\n".join(raw) + b"\n"), out) == 0
    expected = [json.dumps(engine.classify(t).to_json(i), ensure_ascii=False) for i, t in items]
    expected += [json.dumps(engine.classify("Tack!").to_json(i), ensure_ascii=False) for i in ("bom", "nan")]
    assert out.getvalue() == "\n".join(expected) + "\n"
