"""`grandbargain tariffs`: the 2 April 2025 formula and its what-ifs, and the tariff stack by date.

Only typer and the standard library are imported at module top (start-up speed); the trade
package, rich and matplotlib load when a command runs.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Language(StrEnum):
    en = "en"
    zh = "zh"


FmtOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
LangOpt = Annotated[Language, typer.Option("--lang", help="Language: en or zh (繁體中文).")]
OutOpt = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]

app = typer.Typer(
    name="tariffs",
    help="Tariffs as bargaining chips: the 2 April 2025 formula and the tariff stack by date.",
    no_args_is_help=True,
)


def _fail(where: str, message: str) -> None:
    from grandbargain.cli._common import fail
    from grandbargain.scenario._errors import ScenarioError

    fail(ScenarioError.single(where, message))


def _guard(func, *args, **kwargs):
    """Run a reader; bad input ends the command with the located problems (exit status 2)."""
    from grandbargain.cli._common import fail
    from grandbargain.scenario._errors import ScenarioError

    try:
        return func(*args, **kwargs)
    except ScenarioError as exc:
        fail(exc)
        raise


def _day(text: str | None, option: str, default: date) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        _fail(option, f"expected a date YYYY-MM-DD, got {text!r}")
        raise


def _show(title: str, bottom_line: str, header: list[str], rows: list[list],
          caption: str | None, out: Path | None) -> None:
    from rich.console import Group
    from rich.text import Text

    from grandbargain.cli._common import print_rich
    from grandbargain.report._render import rich_table

    numeric = [all(isinstance(r[k], int | float) or r[k] is None for r in rows) and
               any(isinstance(r[k], int | float) for r in rows) for k in range(len(header))]
    cells = [[("–" if v is None else f"{v:.10g}") if isinstance(v, float) or v is None else v
              for v in row] for row in rows]
    table = rich_table(title, header, cells, numeric=numeric, caption=caption)
    print_rich(Group(Text(bottom_line, style="bold"), Text(""), table), out)


@app.command("formula")
def formula(
    csv_file: Annotated[Path | None, typer.Argument(
        metavar="[CSV]", help="Partners CSV: partner, imports, exports (US, $bn), optional "
        "services_imports/services_exports and the chart's published_charged/"
        "published_reciprocal. Default: the shipped 2024 figures for 18 partners.",
        show_default=False)] = None,
    epsilon: Annotated[float, typer.Option(
        "--epsilon", help="Price elasticity of import demand (magnitude).")] = 4.0,
    phi: Annotated[float, typer.Option(
        "--phi", help="Pass-through of tariffs to import prices (critics: 0.945).")] = 0.25,
    floor: Annotated[float, typer.Option(
        "--floor", help="Lowest reciprocal rate, percent (0: no floor).")] = 10.0,
    fmt: FmtOpt = Format.table,
    out: OutOpt = None,
    lang: LangOpt = Language.en,
) -> None:
    """The formula's tariff charged and reciprocal rate per partner, beside the published chart;
    with other parameters (or services trade in the CSV) the what-if next to it."""
    from grandbargain.trade import FormulaParams, apply_formula, read_partners, shipped_partners
    from grandbargain.trade._documents import WORDS, formula_document, formula_rows

    if epsilon <= 0:
        _fail("--epsilon", f"must be above 0, got {epsilon:g}")
    if phi <= 0:
        _fail("--phi", f"must be above 0, got {phi:g}")
    if floor < 0:
        _fail("--floor", f"cannot be negative, got {floor:g} (0 means no floor)")
    partners = _guard(read_partners, csv_file) if csv_file else shipped_partners()
    services = any(p.has_services for p in partners)
    params = FormulaParams(epsilon=epsilon, phi=phi, floor=floor, services=services)
    result = apply_formula(partners, params, str(csv_file) if csv_file else "shipped")
    lg = lang.value
    if fmt is Format.json:
        from grandbargain.cli._common import emit
        from grandbargain.report._render import to_json

        emit(to_json(formula_document(result, lg)), out)
        return
    header, rows = formula_rows(result, lg)
    if fmt is Format.csv:
        from grandbargain.cli._common import emit
        from grandbargain.report._render import to_csv

        emit(to_csv(header, [[f"{v:.10g}" if isinstance(v, float) else v for v in row]
                             for row in rows]), out)
        return
    document = formula_document(result, lg)
    caption = ("Formula: (m - x) / (epsilon phi m); reciprocal = max(floor, half). Chart "
               "rounding: charged half up, reciprocal upward. Data: US Census 2024 via the "
               "sources in the JSON output." if lg == "en" else
               "公式：(m - x) / (epsilon phi m)；對等關稅 = max(下限, 一半)。圖表進位："
               "對美關稅四捨五入，對等關稅向上進位。數據：美國人口普查局2024年。")
    _show(WORDS[lg]["formula_title"], document["bottom_line"], header, rows, caption, out)


@app.command("stack")
def stack_command(
    on: Annotated[str | None, typer.Option(
        "--date", help="Date YYYY-MM-DD (default: the events file's as_of).")] = None,
    product: Annotated[str, typer.Option(
        "--product", help="Product group (see the events file; e.g. general, electronics, "
        "steel, ev, soy_pork_beef_etc).")] = "general",
    events_file: Annotated[Path | None, typer.Option(
        "--events", help="A tariff events YAML (grandbargain-events/1). Default: the shipped "
        "US-China file, as public on 17 July 2025.")] = None,
    png: Annotated[Path | None, typer.Option(
        "--png", help="Also draw the stack over time (from --since to --date) as a PNG.")] = None,
    since: Annotated[str, typer.Option(
        "--since", help="First date of the --png chart.")] = "2025-01-01",
    fmt: FmtOpt = Format.table,
    out: OutOpt = None,
    lang: LangOpt = Language.en,
) -> None:
    """The additional tariffs on a product group on a date: the total, then each layer by legal
    basis with its rate, suspension and the event that set it."""
    from grandbargain.trade import read_events, shipped_events
    from grandbargain.trade._documents import WORDS, layer_entry, stack_document

    events = _guard(read_events, events_file) if events_file else shipped_events()
    day = _day(on, "--date", events.as_of)
    groups = sorted({p.id for p in events.products})
    if product not in groups:
        _fail("--product", f"unknown product group {product!r} (known: {', '.join(groups)})")
    lg = lang.value
    document = stack_document(events, day, product, lg)
    if png is not None:
        start = _day(since, "--since", events.as_of)
        if start >= day:
            _fail("--since", f"must come before --date {day}, got {start}")
        from grandbargain.trade._chart import draw_stack_png

        try:
            draw_stack_png(events, product, start, day, png, lg)
        except RuntimeError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(1) from None
        except OSError as exc:
            _fail(str(png), f"cannot write: {exc.strerror}")
        typer.echo(f"wrote {png}", err=True)
    w = WORDS[lg]
    keys = ["layer", "family", "rate", "nominal", "suspended", "until", "status", "since",
            "set_by"]
    if fmt is Format.json:
        from grandbargain.cli._common import emit
        from grandbargain.report._render import to_json

        emit(to_json(document), out)
        return
    if fmt is Format.csv:
        from grandbargain.cli._common import emit
        from grandbargain.report._render import to_csv

        header = ["date", "imposer", "target", "product", "layer", "family", "rate",
                  "legal_rate", "suspended", "until", "status", "since", "set_by", "basis"]
        rows = [[document["date"], s["imposer"], s["target"], s["product"], e["layer"],
                 e["family"], e["rate"], e["legal_rate"], e["suspended"], e["until"],
                 e["status"], e["since"], e["set_by"], e["basis"]]
                for s in document["stacks"] for e in s["layers"]]
        emit(to_csv(header, rows), out)
        return
    from rich.console import Group
    from rich.text import Text

    from grandbargain.cli._common import print_rich
    from grandbargain.report._render import rich_table
    from grandbargain.trade import stack as stack_on

    parts = [Text(document["bottom_line"], style="bold"), Text("")]
    for s in document["stacks"]:
        rows = []
        layers = stack_on(events, day, s["imposer"], product).layers
        for la in layers:
            e = layer_entry(la, lg)
            rows.append([e["name"], e["family"], f"{la.rate:g}", f"{la.nominal:g}",
                         f"{la.suspended:g}" if la.suspended else "", e["until"] or "",
                         e["status"], e["since"] or "", e["set_by"] or ""])
        rows.append([w["total"], "", f"{s['total']:g}", "", "", "", "", "", ""])
        title = w["stack_title"].format(imposer=s["imposer_name"], target=s["target_name"],
                                        product=s["product_name"], on=document["date"])
        parts.append(rich_table(title, [w[k] for k in keys], rows,
                                numeric=[False, False, True, True, True, False, False, False,
                                         False]))
    parts.append(Text(document["stacking_rules"], style="dim"))
    print_rich(Group(*parts), out)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="tariffs")
