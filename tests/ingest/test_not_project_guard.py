"""A project form whose narrative mentions 转移支付, 部门 or 项目管理 is still read:
verdicts come from title-like patterns only."""

from jixiao.ingest import read_forms


def test_narrative_words_do_not_refuse_a_project_file(tmp_path, seed_text):
    text = seed_text.replace(
        "完成 IP电话租赁服务，切实践行",
        "完成 IP电话租赁服务，\n转移支付项目资金已全部下达，\n项目管理 13 分\n切实践行", 1)
    p = tmp_path / "forms.txt"
    p.write_text(text, encoding="utf-8")
    forms = list(read_forms(p))
    assert len(forms) == 16
    assert "转移支付项目资金已全部下达" in forms[1].goal.expected
