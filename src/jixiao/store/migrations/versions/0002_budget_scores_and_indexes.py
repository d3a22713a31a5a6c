"""Budget-execution scores on forms; the form JSON in its own table; findings ranked by
severity, with indexes for the lists and the dashboard at 100k forms.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 07:50:00

- ``forms.budget_score_reported`` / ``budget_score_recomputed`` (预算执行得分, for the
  findings export). Forms stored before this revision have NULL until read again.
- ``form_data(form_id, data)``: the JSON moved out of ``forms`` (copied, then the column
  dropped). With the JSON inline every scan of forms (dashboard sums, project-name search)
  read ~10 KB per row (SQLite follows the overflow pages to reach the later columns): 3-5 s
  per dashboard at 100,000 forms.
- ``findings.severity_rank`` (0 error, 1 warning, 2 info): the lists sort on
  (rank, code, id) from an index instead of sorting every matching finding by a CASE.
- findings indexes led by the filters and ending in (severity_rank, code), so the counts of
  the dashboard and lists read only the index; ``(form_id, code)`` for the forms list's
  "has this code" filter (replaces the index on form_id alone).
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "form_data",
        sa.Column("form_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["form_id"], ["forms.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("form_id"),
    )
    op.execute("INSERT INTO form_data (form_id, data) SELECT id, data FROM forms")
    # Plain ALTER TABLE (SQLite >= 3.35 drops a column in place): a batch "move and copy" of
    # forms would DROP the old table, and with foreign keys on that deletes (cascades) every
    # form_data, indicator and finding row.
    op.drop_column("forms", "data")
    op.add_column("forms", sa.Column("budget_score_reported", sa.Numeric(precision=10, scale=4), nullable=True))
    op.add_column("forms", sa.Column("budget_score_recomputed", sa.Numeric(precision=10, scale=4), nullable=True))
    op.add_column("findings", sa.Column("severity_rank", sa.SmallInteger(), nullable=False, server_default="3"))
    op.execute("UPDATE findings SET severity_rank = CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 "
               "WHEN 'info' THEN 2 ELSE 3 END")
    with op.batch_alter_table("findings", schema=None) as batch_op:  # indexes only: no table copy
        batch_op.drop_index("ix_findings_severity")
        batch_op.drop_index("ix_findings_scope")
        batch_op.drop_index("ix_findings_form_id")
        batch_op.create_index("ix_findings_scope", ["department", "unit", "year", "severity_rank", "code"])
        batch_op.create_index("ix_findings_dept_year", ["department", "year", "severity_rank", "code"])
        batch_op.create_index("ix_findings_year", ["year", "severity_rank", "code"])
        batch_op.create_index("ix_findings_rank", ["severity_rank", "code", "id"])
        batch_op.create_index("ix_findings_form_code", ["form_id", "code"])


def downgrade() -> None:
    with op.batch_alter_table("findings", schema=None) as batch_op:
        for name in ("ix_findings_form_code", "ix_findings_rank", "ix_findings_year", "ix_findings_dept_year",
                     "ix_findings_scope"):
            batch_op.drop_index(name)
        batch_op.create_index("ix_findings_form_id", ["form_id"])
        batch_op.create_index("ix_findings_scope", ["department", "unit", "year"])
        batch_op.create_index("ix_findings_severity", ["severity"])
    op.drop_column("findings", "severity_rank")
    op.drop_column("forms", "budget_score_recomputed")
    op.drop_column("forms", "budget_score_reported")
    op.add_column("forms", sa.Column("data", sa.JSON(), nullable=True))
    op.execute("UPDATE forms SET data = (SELECT data FROM form_data WHERE form_data.form_id = forms.id)")
    op.drop_table("form_data")
