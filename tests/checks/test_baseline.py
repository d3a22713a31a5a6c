"""The baseline every check test starts from is clean under every check."""

from jixiao.checks import REGISTRY, load_families

from .factory import baseline, findings


def test_baseline_triggers_nothing():
    assert findings(baseline()) == []


def test_a_batch_of_varied_baselines_triggers_nothing():
    # Batch checks look across forms; different projects must not look alike.
    from .factory import edit
    forms = [baseline(), edit(baseline(), project_name="老年助餐点运营补贴", **{"source.file": "b.txt"})]
    assert [f.code for f in findings(forms) if not f.code.startswith("JX9")] == []


def test_every_check_has_catalogue_metadata():
    load_families()
    for code, info in REGISTRY.items():
        assert info.title and info.basis and info.hint, code
        assert "Fails" in info.doc and "Passes" in info.doc, f"{code}: docstring needs Fails/Passes examples"
