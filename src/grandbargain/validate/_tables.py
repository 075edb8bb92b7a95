"""The validation tables as plain text cells, shared by the terminal and the Markdown page, so
both show the same numbers with the same rounding."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from grandbargain._lang import say as in_lang
from grandbargain.validate._document import pct, primary_summary, procedures, secondary_summary
from grandbargain.validate._run import DeuValidation, LibraryValidation
from grandbargain.validate._scoring import HIT_THRESHOLDS, Score, Summary, summarise

DASH = "–"

#: The tables' words in English and Traditional Chinese.
WORDS = {
    "model": ("model", "模型"),
    "mae": ("mean abs. error", "平均絕對誤差"),
    "median_ae": ("median abs. error", "中位絕對誤差"),
    "within": ("within {p}%", "{p}% 以內"),
    "none": (" (+{k} none)", "（另 {k} 個無預測）"),
    "case": ("case", "案例"),
    "reading": ("reading", "讀數"),
    "forecast": ("forecast", "預測"),
    "outcome": ("outcome", "結果"),
    "error": ("error (% of scale)", "誤差（佔尺度 %）"),
    "cases": ("Cases", "案例"),
    "input_file": ("input file", "輸入檔"),
    "scale": ("scale", "尺度"),
    "actors": ("actors", "行為者數"),
    "reading_text": ("{value} ({label}{secondary})", "{value}（{label}{secondary}）"),
    "secondary_mark": (", secondary", "，次要"),
    "primary_scores": ("Forecasts and errors (primary outcome readings)",
                       "預測與誤差（主要結果讀數）"),
    "primary_summary": ("Summary per model (primary outcome readings)",
                        "各模型摘要（主要結果讀數）"),
    "secondary_scores": ("Secondary outcome readings", "次要結果讀數"),
    "secondary_summary": ("Summary per model (secondary outcome readings)",
                          "各模型摘要（次要結果讀數）"),
    "deu_all": ("DEU: {file}, all procedures ({n} issues with an outcome of {total})",
                "DEU：{file}，所有程序（{total} 個議題中 {n} 個有結果）"),
    "deu_procedure": ("DEU: procedure {p} ({n} issues)", "DEU：程序 {p}（{n} 個議題）"),
}


def say(key: str, lang: str = "en", **values: object) -> str:
    return in_lang(WORDS, key, lang, **values)


def translations(v: LibraryValidation | None, lang: str) -> dict[str, str]:
    """The catalogue's Chinese for its outcome readings' and published forecasts' labels (the
    scores carry the English ones), empty in English."""
    if v is None or lang != "zh":
        return {}
    out = {}
    for run in v.runs:
        out.update((o.label, o.label_zh) for o in run.case.spec.outcomes if o.label_zh)
        out.update((p.label, p.label_zh) for p in run.case.spec.published if p.label_zh)
    return out


@dataclass(frozen=True)
class TextTable:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]


def value_text(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def outcome_text(value: float) -> str:
    """Outcomes as the catalogue gives them (8.833, 25), not rounded to two decimals."""
    return f"{value:g}"


def error_text(error: float | None) -> str:
    return DASH if error is None else f"{100 * error:+.1f}%"


def share_text(share: float | None) -> str:
    return DASH if share is None else f"{100 * share:.1f}%"


def hit_text(s: Summary, k: int) -> str:
    rate = s.hit_rate(k)
    return DASH if rate is None else f"{round(100 * rate)}% ({s.hits[k]}/{s.n})"


def summary_table(title: str, summaries: Sequence[Summary], lang: str = "en",
                  names: dict[str, str] | None = None) -> TextTable:
    names = names or {}
    header = (say("model", lang), "n", say("mae", lang), say("median_ae", lang),
              *(say("within", lang, p=pct(t)) for t in HIT_THRESHOLDS))
    rows = []
    for s in summaries:
        name = s.model if s.kind == "model" else names.get(s.label, s.label)
        n = f"{s.n}" + (say("none", lang, k=s.missing) if s.missing else "")
        rows.append((name, n, share_text(s.mae), share_text(s.median_ae),
                     *(hit_text(s, k) for k in range(len(HIT_THRESHOLDS)))))
    return TextTable(title, header, tuple(rows), (False, *([True] * (len(header) - 1))))


def _case_titles(v: LibraryValidation, lang: str = "en") -> dict[str, str]:
    return {run.case.spec.id: run.case.spec.title_in(lang) for run in v.runs}


def scores_table(title: str, scores: Sequence[Score], titles: dict[str, str],
                 with_reading: bool, lang: str = "en", names: dict[str, str] | None = None
                 ) -> TextTable:
    names = names or {}
    header = (say("case", lang), *((say("reading", lang),) if with_reading else ()),
              say("model", lang), say("forecast", lang), say("outcome", lang),
              say("error", lang))
    rows, previous = [], None
    for s in scores:
        key = (s.case, s.reading)
        first = key != previous
        previous = key
        case = titles.get(s.case, s.case) if first else ""
        reading = (names.get(s.reading, s.reading) if first else "",) if with_reading else ()
        name = s.model if s.kind == "model" else names.get(s.label, s.label)
        rows.append((case, *reading, name, value_text(s.forecast),
                     outcome_text(s.outcome) if first else "", error_text(s.error)))
    numeric = (False, *((False,) if with_reading else ()), False, True, True, True)
    return TextTable(title, header, tuple(rows), numeric)


def cases_table(v: LibraryValidation, lang: str = "en") -> TextTable:
    rows = []
    for run in v.runs:
        spec, issue = run.case.spec, run.case.issue
        unit = f" {spec.unit_in(lang)}" if spec.unit else ""
        separator = "；" if lang == "zh" else "; "
        readings = separator.join(
            say("reading_text", lang, value=f"{o.value:g}", label=o.label_in(lang),
                secondary="" if o.primary else say("secondary_mark", lang))
            for o in spec.outcomes)
        rows.append((spec.title_in(lang), spec.file, f"{issue.low:g}-{issue.high:g}{unit}",
                     str(len(run.case.scenario.participants(issue.id))), readings))
    return TextTable(say("cases", lang), (say("case", lang), say("input_file", lang),
                                          say("scale", lang), say("actors", lang),
                                          say("outcome", lang)),
                     tuple(rows), (False, False, False, True, False))


def library_tables(v: LibraryValidation, lang: str = "en") -> list[TextTable]:
    if not v.runs:
        return []
    titles = _case_titles(v, lang)
    names = translations(v, lang)
    primary = [s for s in v.scores if s.primary]
    secondary = [s for s in v.scores if not s.primary]
    tables = [cases_table(v, lang),
              scores_table(say("primary_scores", lang), primary, titles, with_reading=False,
                           lang=lang, names=names),
              summary_table(say("primary_summary", lang), primary_summary(v), lang, names)]
    if secondary:
        tables += [scores_table(say("secondary_scores", lang), secondary, titles,
                                with_reading=True, lang=lang, names=names),
                   summary_table(say("secondary_summary", lang), secondary_summary(v), lang,
                                 names)]
    return tables


def deu_tables(d: DeuValidation, lang: str = "en") -> list[TextTable]:
    tables = [summary_table(say("deu_all", lang, file=d.file, n=d.issues - len(d.unscored),
                                total=d.issues), summarise(d.scores), lang)]
    for p in procedures(d.scores):
        group = [s for s in d.scores if s.group == p]
        issues = len({s.case for s in group})
        tables.append(summary_table(say("deu_procedure", lang, p=p, n=issues),
                                    summarise(group), lang))
    return tables


def markdown_table(table: TextTable) -> str:
    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = ["---:" if n else "---" for n in table.numeric]
    return "\n".join([line(table.header), "|" + "|".join(align) + "|",
                      *(line(r) for r in table.rows)]) + "\n"
