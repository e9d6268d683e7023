"""Learning from editors: the model adds what it is sure of and removes nothing."""

from uppsikt.policies import loader
from uppsikt.triage.engine import Engine, get_engine, model_path
from uppsikt.triage.learning import load_model, save_model, train_model


def _model():
    texts = [f"Besök min loppis på nätet, fynda kläder nummer {i}" for i in range(10)]
    texts += [f"Mysig promenad vid sjön kväll {i}" for i in range(10)]
    labels = [["commercial"]] * 10 + [["trivial"]] * 10
    return train_model(texts, labels, policy="lilla-edet")


def test_model_adds_a_confident_category():
    engine = Engine(loader.load_preset("lilla-edet"), model=_model())
    decision = engine.classify("Besök min loppis på nätet, fynda kläder")
    assert "commercial" in decision.categories
    assert any(r.rule == "model.commercial" for r in decision.reasons)


def test_model_never_removes_rule_hits_or_urgency():
    engine = Engine(loader.load_preset("lilla-edet"), model=_model())
    decision = engine.classify("Jag kommer att skjuta er alla på nästa fullmäktigemöte")
    assert decision.urgent and "threat" in decision.categories


def test_get_engine_picks_up_a_saved_model(tmp_path, monkeypatch):
    monkeypatch.setenv("UPPSIKT_DATA_DIR", str(tmp_path))
    path = model_path("hultsfred")
    assert path == tmp_path / "triage" / "hultsfred.joblib"
    assert get_engine("hultsfred").model is None
    save_model(_model(), path)
    assert load_model(path) is not None
    assert get_engine("hultsfred").model is not None


def test_a_broken_model_file_is_ignored(tmp_path):
    path = tmp_path / "broken.joblib"
    path.write_bytes(b"not a model")
    assert load_model(path) is None
