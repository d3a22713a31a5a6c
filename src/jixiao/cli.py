"""Command line: parse arguments, call the library, print. No logic lives here.

Exit status: 0 when every input was read, 2 when some input could not be
read (the others are still processed and printed), 1 for a usage error such
as an unknown rulebook.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__
from .ingest import ReadError, iter_inputs, read_forms
from .model import Form, form_json_schema

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="jixiao 绩效：读取、复算项目支出绩效自评表。\n\nRead and rescore project-expenditure self-evaluation forms.",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_UNREADABLE = 2


class Fmt(str, Enum):
    text = "text"
    json = "json"


def sample_path() -> Path:
    """The embedded sample: 16 real forms of 2024 (七宝镇城市运行管理中心)."""
    return Path(str(resources.files("jixiao") / "sample" / "qibao-2024.txt"))


def _version(value: bool):
    if value:
        out.print(f"jixiao {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[Optional[bool], typer.Option("--version", callback=_version, is_eager=True,
                                                    help="显示版本号 / show the version")] = None,
):
    pass


class _Batch:
    """Walk the inputs, yield forms, remember the files that could not be read."""

    def __init__(self, files: list[Path], sample: bool, exclude: Path | None = None,
                 exclude_dir: Path | None = None):
        # ``exclude``/``exclude_dir``: what this run writes (review -o x.xlsx, --report DIR), never
        # read back as input.
        self.exclude = exclude.resolve() if exclude is not None else None
        self.exclude_dir = exclude_dir.resolve() if exclude_dir is not None else None
        paths: list[Path] = list(files)
        if sample:
            paths.insert(0, sample_path())
        if not paths:
            err.print("[red]错误：没有输入文件。请给出文件或文件夹，或使用 --sample 读取内置样例。[/red]")
            raise typer.Exit(1)
        self.paths = paths
        self.failed: list[ReadError] = []
        self.read_files = 0

    def forms(self) -> Iterator[Form]:
        files = [p for p in iter_inputs(self.paths) if not self._excluded(p.resolve())]
        progress = None
        if len(files) > 1 and err.is_terminal:  # a progress bar for batches, on the terminal only
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            progress = Progress(TextColumn("读取"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                TextColumn("{task.description}"), console=err, transient=True)
            task = progress.add_task("", total=len(files))
            progress.start()
        try:
            for path in files:
                if progress is not None:
                    progress.update(task, description=path.name)
                yield from self._read_one(path)
                if progress is not None:
                    progress.advance(task)
        finally:
            if progress is not None:
                progress.stop()

    def _excluded(self, p: Path) -> bool:
        return p == self.exclude or (self.exclude_dir is not None and p.is_relative_to(self.exclude_dir))

    def _read_one(self, path: Path) -> Iterator[Form]:
        """The forms of one file; an unreadable file is reported and skipped."""
        try:
            yield from read_forms(path)
            self.read_files += 1
        except ReadError as exc:
            self.failed.append(exc)
            err.print(f"[red]无法读取[/red] {exc}")
        except OSError as exc:
            e = ReadError(path, f"无法打开文件（{exc.strerror or exc}）")
            self.failed.append(e)
            err.print(f"[red]无法读取[/red] {e}")
        except Exception as exc:  # a reader bug: report it for this file, go on with the others
            e = ReadError(path, f"读取时发生程序错误（{type(exc).__name__}: {exc}），已跳过此文件；请报告此问题")
            self.failed.append(e)
            err.print(f"[red]无法读取[/red] {e}")

    def finish(self) -> None:
        if self.failed:
            err.print(f"[yellow]{len(self.failed)} 个文件无法读取，其余文件已处理。[/yellow]")
            raise typer.Exit(EXIT_UNREADABLE)


def _stream_json_array(items: Iterator[dict]) -> None:
    """Print a JSON array one element at a time, so a large batch is never held."""
    w = sys.stdout.write
    first = True
    w("[")
    for item in items:
        w("\n" if first else ",\n")
        w(json.dumps(item, ensure_ascii=False, indent=2))
        first = False
    w("\n]\n" if not first else "]\n")
    sys.stdout.flush()


def _fmt(d) -> str:
    if d is None:
        return "—"
    return f"{d:,.2f}"


def _print_form_summary(form: Form) -> None:
    f = form.funds
    where = f"{form.source.file}" + (f" 第{form.source.line}-{form.source.end_line}行" if form.source.line else "")
    out.rule(f"[bold]{form.project_name or '（无项目名称）'}[/bold]")
    out.print(f"主管部门：{form.department}    实施单位：{form.implementing_unit}    年度：{form.year or '—'}")
    out.print(f"来源：{where}")
    out.print(
        f"项目资金（{form.funds_unit}）：年初预算数 {_fmt(f.initial_budget)}  全年预算数 {_fmt(f.adjusted_budget)}  "
        f"全年执行数 {_fmt(f.executed)}  执行率 {_fmt(f.rate)}%  得分 {_fmt(f.score)}/{_fmt(f.weight)}"
    )
    t = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    t.add_column("三级指标", overflow="fold", ratio=3)
    t.add_column("年度指标值", no_wrap=True)
    t.add_column("实际完成值", no_wrap=True)
    t.add_column("分值", justify="right", no_wrap=True)
    t.add_column("得分", justify="right", no_wrap=True)
    group = None
    for ind in form.indicators:
        if (ind.level1, ind.level2) != group:
            group = (ind.level1, ind.level2)
            t.add_row(f"[bold]{ind.level1} / {ind.level2}[/bold]", "", "", "", "")
        t.add_row("  " + ind.name, ind.target, ind.actual, _fmt(ind.weight), _fmt(ind.score))
        if ind.deviation:
            t.add_row(f"    [dim]偏差原因分析：{ind.deviation}[/dim]", "", "", "", "")
    out.print(t)
    out.print(f"总分 {_fmt(form.total)}    评分等级 {form.grade or '—'}    指标 {len(form.indicators)} 项")
    if not form.complete:
        out.print("[bold red]注意：本表未能完整读取，以下警告说明缺了什么。[/bold red]")
    if form.confidence is not None:
        from rich.markup import escape

        style = {"low": "bold red", "medium": "yellow", "high": "green"}[form.confidence.level]
        out.print(f"[{style}]{escape(form.confidence.summary_zh())}[/{style}]")
    for w in form.warnings:
        out.print(f"[yellow]警告 {w.code}[/yellow] {w.message}")


@app.command("parse")
def parse_cmd(
    files: Annotated[Optional[list[Path]], typer.Argument(help="自评表文件或文件夹 / files or folders")] = None,
    format: Annotated[Fmt, typer.Option("--format", "-f", help="输出格式：text 或 json")] = Fmt.text,
    sample: Annotated[bool, typer.Option("--sample", help="读取内置样例（16 张 2024 年自评表）")] = False,
):
    """读取自评表并输出结构化数据 / read forms and print them."""
    batch = _Batch(files or [], sample)
    if format is Fmt.json:
        _stream_json_array(f.to_json_dict() for f in batch.forms())
    else:
        n = 0
        for form in batch.forms():
            _print_form_summary(form)
            n += 1
        out.print(f"\n共读取 {n} 张自评表。")
    batch.finish()


@app.command("score")
def score_cmd(
    files: Annotated[Optional[list[Path]], typer.Argument(help="自评表文件或文件夹 / files or folders")] = None,
    rulebook: Annotated[str, typer.Option("--rulebook", "-r", help="评分规则：内置名称（national, shanghai）或 .toml 文件路径")]
    = "national",
    format: Annotated[Fmt, typer.Option("--format", "-f", help="输出格式：text 或 json")] = Fmt.text,
    sample: Annotated[bool, typer.Option("--sample", help="读取内置样例（16 张 2024 年自评表）")] = False,
):
    """按评分规则复算执行率、得分、总分和等级，列出与填报值的差异 / rescore forms."""
    from .scoring import RulebookError, load_rulebook, score_form

    try:
        rb = load_rulebook(rulebook)
    except RulebookError as exc:
        err.print(f"[red]评分规则错误：[/red]{exc}")
        raise typer.Exit(1)
    batch = _Batch(files or [], sample)
    if format is Fmt.json:
        _stream_json_array(score_form(f, rb).to_json_dict() for f in batch.forms())
        batch.finish()
        return
    n = n_diff = 0
    for form in batch.forms():
        res = score_form(form, rb)
        _print_score(form, res)
        n += 1
        n_diff += bool(res.differences)
    out.print(f"\n评分规则：{rb.name}。共复算 {n} 张自评表，{n_diff} 张与填报值有差异。")
    batch.finish()


def _print_score(form: Form, res) -> None:
    rep, rec = res.reported, res.recomputed
    out.rule(f"[bold]{form.project_name or '（无项目名称）'}[/bold]")
    t = Table(show_edge=False, box=None, header_style="bold")
    t.add_column("项目")
    t.add_column("填报", justify="right")
    t.add_column("复算", justify="right")

    def ind_sum(xs):
        vals = [x for x in xs if x is not None]
        return sum(vals) if vals else None

    t.add_row("执行率(%)", _fmt(rep.rate), _fmt(rec.rate))
    t.add_row("预算执行得分", _fmt(rep.budget_score), _fmt(rec.budget_score))
    t.add_row("指标得分合计", _fmt(ind_sum(rep.indicator_scores)), _fmt(ind_sum(rec.indicator_scores)))
    t.add_row("总分", _fmt(rep.total), _fmt(rec.total))
    t.add_row("评分等级", rep.grade or "—", rec.grade or "—")
    out.print(t)
    if res.differences:
        for d in res.differences:
            out.print(f"[red]差异[/red] {d.field}：{d.message}")
    else:
        out.print("[green]复算结果与填报值一致。[/green]")


class ReviewFmt(str, Enum):
    text = "text"
    json = "json"
    csv = "csv"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"
    info = "info"
    never = "never"


def _codes(value: Optional[str]) -> Optional[list[str]]:
    if value is None:
        return None
    return [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]


def _rules(rulebook: str | None, sample: bool, files, config: Path | None = None, **build):
    """The run's rulebook and check configuration (the sample is Shanghai's: reviewed under its own
    rules unless told otherwise); a bad rulebook or config ends the command with its reason."""
    from .checks import ReviewConfig, ReviewConfigError
    from .scoring import RulebookError, load_rulebook

    if rulebook is None:
        rulebook = "shanghai" if sample and not files else "national"
    try:
        rb = load_rulebook(rulebook)
        return rb, ReviewConfig.build(rb, config_file=config, **build)
    except (RulebookError, ReviewConfigError) as exc:
        err.print(f"[red]配置错误：[/red]{exc}")
        raise typer.Exit(1)


def _review(batch: _Batch, rb, cfg, *, keep_rows: bool, keep_forms: bool):
    """Review every form of the batch: the Review (with the unreadable files), and the
    forms themselves when a report will lay them out (otherwise none are kept)."""
    from .checks import Reviewer

    reviewer = Reviewer(rb, cfg, keep_indicator_rows=keep_rows)
    kept: list[Form] = []
    for form in batch.forms():
        reviewer.add(form)
        if keep_forms:
            kept.append(form)
    review = reviewer.finish()
    review.unreadable = [e.to_dict() for e in batch.failed]
    return review, kept


@app.command("review")
def review_cmd(
    files: Annotated[Optional[list[Path]], typer.Argument(help="自评表文件或文件夹 / files or folders")] = None,
    rulebook: Annotated[Optional[str], typer.Option(
        "--rulebook", "-r", help="评分规则：内置名称（national, shanghai）或 .toml 文件路径；默认 national，--sample 时为 shanghai")]
    = None,
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="检查配置文件（TOML，[checks] 表）")] = None,
    select: Annotated[Optional[str], typer.Option("--select", help="只运行这些检查：代码或前缀，逗号分隔，如 JX1,JX301")]
    = None,
    ignore: Annotated[Optional[str], typer.Option("--ignore", help="不运行这些检查：代码或前缀，逗号分隔")] = None,
    format: Annotated[ReviewFmt, typer.Option("--format", "-f", help="输出格式：text、json 或 csv")] = ReviewFmt.text,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="另存为 Excel 工作簿（.xlsx）")] = None,
    fail_on: Annotated[FailOn, typer.Option("--fail-on", help="有此严重程度及以上的问题时退出码为 1")] = FailOn.error,
    no_hints: Annotated[bool, typer.Option("--no-hints", help="文本报告中不显示修改建议")] = False,
    sample: Annotated[bool, typer.Option("--sample", help="审核内置样例（16 张 2024 年自评表）")] = False,
    report: Annotated[Optional[Path], typer.Option(
        "--report", help="另外生成审核报告（HTML、Excel、PDF，含图表）到此文件夹")] = None,
    open_: Annotated[bool, typer.Option("--open", help="生成后用浏览器打开 HTML 报告（需要图形界面）")] = False,
):
    """审核自评表：复算并运行检查目录，按表列出问题 / review forms like a linter."""
    from .report import print_review, write_csv, write_json, write_xlsx

    if output is not None and output.suffix.lower() != ".xlsx":
        err.print("[red]错误：--output 只支持 .xlsx 文件。[/red]")
        raise typer.Exit(1)
    rb, cfg = _rules(rulebook, sample, files, config, select=_codes(select), ignore=_codes(ignore),
                     fail_on=fail_on.value)
    batch = _Batch(files or [], sample, exclude=output, exclude_dir=report)
    review, kept = _review(batch, rb, cfg, keep_rows=output is not None or report is not None,
                           keep_forms=report is not None)
    if format is ReviewFmt.json:
        write_json(review, sys.stdout)
    elif format is ReviewFmt.csv:
        write_csv(review, sys.stdout)
    else:
        print_review(review, out, show_hints=not no_hints)
    for e in review.check_errors:
        err.print(f"[red]检查 {e['code']} 出错（程序缺陷，已跳过）[/red]：{e['project_name']} {e['file']}：{e['error']}")
    if output is not None:
        write_xlsx(review, output)
        err.print(f"已写入 {output}")
    if report is not None:
        _write_report(kept, review, rb, report, ("html", "xlsx", "pdf"), open_)
    batch.finish()
    if review.failed():
        raise typer.Exit(1)


def _progress(label: str):
    """A rich progress bar on the terminal (None elsewhere), as a context manager
    yielding ``update(done, total, description)``."""
    from contextlib import contextmanager

    @contextmanager
    def bar():
        if not err.is_terminal:
            yield None
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as p:
            task = p.add_task("", total=None)

            def update(done: int, total: int, description: str = "") -> None:
                p.update(task, completed=done, total=total, description=description)

            yield update
    return bar()


def _open_in_browser(path: Path) -> None:
    """Open ``path`` in the desktop's browser when there is a display; say so otherwise."""
    import os
    import webbrowser

    has_display = sys.platform in ("darwin", "win32") or bool(
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if not has_display or not webbrowser.open(path.resolve().as_uri()):
        err.print(f"[yellow]没有可用的图形界面，未打开浏览器；请手动打开 {path}[/yellow]")


def _write_report(forms: list[Form], review, rb, out_dir: Path, formats: tuple[str, ...], open_: bool) -> None:
    from .render.browser import BrowserError
    from .report.build import build_report

    try:
        with _progress("生成报告") as update:
            written = build_report(forms, review, out_dir, formats=formats, progress=update, rulebook=rb)
    except BrowserError as exc:
        err.print(f"[red]无法生成 PDF 报告：[/red]{exc}")
        raise typer.Exit(1)
    for kind, path in written.items():
        err.print(f"已写入{_KIND_ZH.get(kind, kind)}报告 {path}")
    if open_ and "html" in written:
        _open_in_browser(written["html"])


_KIND_ZH = {"html": " HTML ", "xlsx": " Excel ", "pdf": " PDF "}


class OutFmt(str, Enum):
    """Output formats of report and render."""

    xlsx = "xlsx"
    html = "html"
    pdf = "pdf"


@app.command("report")
def report_cmd(
    files: Annotated[Optional[list[Path]], typer.Argument(help="自评表文件或文件夹 / files or folders")] = None,
    out_dir: Annotated[Path, typer.Option("--output", "-o", help="报告文件夹（默认 ./审核报告）")] = Path("审核报告"),
    rulebook: Annotated[Optional[str], typer.Option(
        "--rulebook", "-r", help="评分规则：内置名称或 .toml 文件；默认 national，--sample 时为 shanghai")] = None,
    config: Annotated[Optional[Path], typer.Option("--config", "-c", help="检查配置文件（TOML，[checks] 表）")] = None,
    to: Annotated[Optional[list[OutFmt]], typer.Option("--to", help="只生成这些格式（可重复）：html、xlsx、pdf")] = None,
    open_: Annotated[bool, typer.Option("--open", help="生成后用浏览器打开 HTML 报告（需要图形界面）")] = False,
    sample: Annotated[bool, typer.Option("--sample", help="使用内置样例（16 张 2024 年自评表）")] = False,
):
    """生成审核报告：首页摘要、图表、逐表问题（HTML、Excel、PDF）/ write the review report."""
    rb, cfg = _rules(rulebook, sample, files, config)
    batch = _Batch(files or [], sample, exclude_dir=out_dir)
    review, forms = _review(batch, rb, cfg, keep_rows=True, keep_forms=True)
    formats = tuple(dict.fromkeys(t.value for t in to)) if to else ("html", "xlsx", "pdf")
    _write_report(forms, review, rb, out_dir, formats, open_)
    batch.finish()


@app.command("render")
def render_cmd(
    files: Annotated[Optional[list[Path]], typer.Argument(help="自评表文件或文件夹 / files or folders")] = None,
    to: Annotated[OutFmt, typer.Option("--to", "-t", help="输出格式：xlsx（可继续填写，含公式）、html 或 pdf")]
    = OutFmt.xlsx,
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", help="输出文件（一个输入文件时）或文件夹；默认当前文件夹，文件名为“原文件名-自评表”")] = None,
    rulebook: Annotated[Optional[str], typer.Option(
        "--rulebook", "-r", help="评分规则（xlsx 公式按此计算）；默认 national，--sample 时为 shanghai")] = None,
    sample: Annotated[bool, typer.Option("--sample", help="使用内置样例（16 张 2024 年自评表）")] = False,
):
    """按官方格式输出自评表（Excel、HTML、PDF）：每个输入文件一个输出文件，每张表一个工作表或一页
    / render forms in the official layout."""
    from contextlib import nullcontext

    from .render import render_forms
    from .render.browser import Browser, BrowserError

    rb, _ = _rules(rulebook, sample, files)
    batch = _Batch(files or [], sample)
    inputs = list(iter_inputs(batch.paths))
    ext = to.value
    single_file = output is not None and len(inputs) == 1 and output.suffix.lower() == f".{ext}"
    folder = Path(".") if output is None else output
    taken: set[Path] = {p.resolve() for p in inputs}
    try:
        with (Browser() if ext == "pdf" else nullcontext()) as browser, _progress("输出") as update:
            for n, path in enumerate(inputs):
                if update is not None:
                    update(n, len(inputs), path.name)
                forms = list(batch._read_one(path))
                if not forms:
                    continue
                target = output if single_file else folder / f"{path.stem}-自评表.{ext}"
                if target.resolve() in taken:  # never write over an input file, nor over this run's own output
                    err.print(f"[red]跳过[/red] {path}：输出文件 {target} 是输入文件或已被本次输出占用")
                    continue
                taken.add(target.resolve())
                render_forms(forms, ext, target, rb, browser=browser)
                out.print(f"已写入 {target}（{len(forms)} 张表）")
    except BrowserError as exc:
        err.print(f"[red]无法输出 PDF：[/red]{exc}")
        raise typer.Exit(1)
    batch.finish()


@app.command("checks")
def checks_cmd(
    code: Annotated[Optional[str], typer.Argument(help="只看某个检查，如 JX301")] = None,
    markdown: Annotated[bool, typer.Option("--markdown", help="输出 Markdown 检查目录（docs/checks.md）")] = False,
):
    """列出检查目录 / list the check catalogue."""
    from .checks import REGISTRY, SEVERITY_ZH, load_families
    from .checks.catalogue import render_markdown

    load_families()
    if markdown:
        sys.stdout.write(render_markdown())
        return
    if code:
        info = REGISTRY.get(code.upper())
        if info is None:
            err.print(f"[red]没有代码为 {code} 的检查。[/red]")
            raise typer.Exit(1)
        out.print(f"[bold]{info.code} {info.name}[/bold]  {info.title}（{SEVERITY_ZH[info.severity]}，{info.category}）")
        out.print(f"依据：{info.basis}\n建议：{info.hint}\n")
        out.print(info.doc)
        return
    t = Table(box=None, header_style="bold")
    for col in ("代码", "名称", "说明", "严重程度", "类别"):
        t.add_column(col)
    for c in sorted(REGISTRY):
        i = REGISTRY[c]
        t.add_row(c, i.name, i.title, SEVERITY_ZH[i.severity], i.category)
    out.print(t)


@app.command("schema")
def schema_cmd():
    """输出自评表数据的 JSON Schema / print the JSON Schema of a form."""
    sys.stdout.write(json.dumps(form_json_schema(), ensure_ascii=False, indent=2) + "\n")


# The web app's commands (jixiao serve, jixiao users ...) live with the web app.
from .web.cli import register as _register_web  # noqa: E402

_register_web(app)


def main() -> None:  # console-script entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
