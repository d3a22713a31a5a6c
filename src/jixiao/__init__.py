"""jixiao 绩效: read, rescore, review and report Chinese project-expenditure
performance self-evaluation forms (项目支出绩效自评表)."""

__version__ = "0.1.0"
