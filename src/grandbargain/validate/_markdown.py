"""docs/validation.md: the tables of a validation run and a short reading of them.

The reading's sentences are a template; every number in them comes from the run. The page has
no date and no absolute path, so the same inputs give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence

from grandbargain.validate._document import primary_summary
from grandbargain.validate._run import CaseRun, DeuValidation, LibraryValidation
from grandbargain.validate._scoring import Score, Summary
from grandbargain.validate._tables import (
    deu_tables,
    error_text,
    library_tables,
    markdown_table,
    outcome_text,
    share_text,
    value_text,
)

COMMAND = "grandbargain validate --markdown --out docs/validation.md"


def _join(words: Sequence[str]) -> str:
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _ranking(summaries: Sequence[Summary]) -> list[str]:
    models = sorted((s for s in summaries if s.kind == "model" and s.mae is not None),
                    key=lambda s: (s.mae, s.model))
    if len(models) < 2:
        return []
    best, worst = models[0], models[-1]
    text = (f"Over the primary outcome readings, the lowest mean absolute error is "
            f"`{best.model}`'s ({share_text(best.mae)} of the scale) and the highest "
            f"`{worst.model}`'s ({share_text(worst.mae)}).")
    spread = worst.mae - best.mae
    if spread < 0.5 * best.mae:
        text += (f" The spread between our models ({100 * spread:.1f} points) is small beside "
                 "the errors themselves: on these cases they fail and succeed together.")
    return [text]


def _case_line(run: CaseRun) -> str:
    spec = run.case.spec
    primary = [s for s in run.scores if s.primary]
    ours = [s for s in primary if s.kind == "model" and s.error is not None]
    published = [s for s in primary if s.kind == "published"]
    outcome = primary[0].outcome
    text = f"*{spec.title}* (outcome {outcome_text(outcome)}): "
    if not ours:
        return text + "no model gave a forecast."
    low = min(ours, key=lambda s: (s.forecast, s.model))
    high = max(ours, key=lambda s: (s.forecast, s.model))
    best = min(ours, key=lambda s: (abs(s.error), s.model))
    tied = [f"`{s.model}`" for s in ours if abs(s.error) - abs(best.error) < 1e-9]
    text += (f"our models forecast {value_text(low.forecast)} to {value_text(high.forecast)}; "
             f"nearest {_join(tied)} ({error_text(best.error)})")
    if all(s.error < 0 for s in ours):
        text += ", every model below the outcome"
    elif all(s.error > 0 for s in ours):
        text += ", every model above the outcome"
    if published:
        parts = [f"{s.label} {value_text(s.forecast)} ({error_text(s.error)})" for s in published]
        gap = min(abs(s.error) for s in published) - abs(best.error)
        text += f"; published: {'; '.join(parts)}"
        text += (" — closer than any of our models" if gap < -1e-9 else
                 " — as close as our best" if gap <= 1e-9 else " — farther than our best")
    return text + "."


def _per_model(v: LibraryValidation) -> list[str]:
    """For each model, the cases where it is the nearest of ours and where the farthest."""
    nearest: dict[str, list[str]] = {m.name: [] for m in v.models}
    farthest: dict[str, list[str]] = {m.name: [] for m in v.models}
    for run in v.runs:
        ours = [s for s in run.scores if s.primary and s.kind == "model" and s.error is not None]
        if len(ours) < 2:
            continue
        errors = [abs(s.error) for s in ours]
        low, high = min(errors), max(errors)
        if high - low < 1e-9:
            continue
        for s, e in zip(ours, errors, strict=True):
            if e - low < 1e-9:
                nearest[s.model].append(f"`{run.case.spec.id}`")
            if high - e < 1e-9:
                farthest[s.model].append(f"`{run.case.spec.id}`")
    lines = []
    for m in v.models:
        good = _join(nearest[m.name]) or "no case"
        bad = _join(farthest[m.name]) or "no case"
        lines.append(f"`{m.name}`: nearest of our models on {good}; farthest on {bad}.")
    return ["Where each model does best and worst (ties shared):\n\n"
            + "\n".join(f"- {line}" for line in lines)]


def _same_forecasts(v: LibraryValidation) -> list[str]:
    """How often the position-picking models (all but the weighted means: compromise, exchange,
    and the ensemble) agree."""
    pickers = [m.name for m in v.models if m.name not in ("compromise", "exchange", "ensemble")]
    if len(pickers) < 2 or not v.runs:
        return []
    agree = 0
    for run in v.runs:
        values = {round(s.forecast, 9) for s in run.scores
                  if s.primary and s.model in pickers and s.forecast is not None}
        agree += len(values) == 1
    return [f"{_join([f'`{p}`' for p in pickers])} gave one and the same forecast on {agree} "
            f"of {len(v.runs)} cases: they pick from (or near) the positions actors hold, so "
            "their errors move together and averaging them in the ensemble diversifies little."]


def _rounds(v: LibraryValidation) -> list[str]:
    """The expected-utility medians by round, where the model kept its run."""
    lines = []
    for run in v.runs:
        for result in run.results:
            runs = result.detail.get("runs") if hasattr(result.detail, "get") else None
            if not runs or run.case.issue.id not in runs:
                continue
            rounds = getattr(runs[run.case.issue.id], "rounds", ())
            medians = [r.median for r in rounds]
            if len(set(round(m, 9) for m in medians)) < 2:
                continue
            lines.append(
                f"`{result.model}` on *{run.case.spec.title}*, median by round: "
                f"{', '.join(f'{m:.2f}' for m in medians)} (the forecast is the last round's).")
    if not lines:
        return []
    return ["The expected-utility forecast depends on when the bargaining is stopped:\n\n"
            + "\n".join(f"- {line}" for line in lines)]


def _secondary(v: LibraryValidation) -> list[str]:
    scores: list[Score] = [s for s in v.scores if not s.primary and s.kind == "model"
                           and s.error is not None]
    if not scores:
        return []
    cases = sorted({s.case for s in scores})
    below = all(s.error < 0 for s in scores)
    return [f"Against the secondary (long-run) readings of {len(cases)} case(s), "
            + ("every model forecasts below the outcome: the models describe the bargain "
               "among the actors in the data, not later shifts that the data do not contain."
               if below else "the models' errors differ in sign.")]


def _missed(v: LibraryValidation) -> list[str]:
    missed = [run.case.spec.title for run in v.runs
              if all(s.error is None or abs(s.error) > 0.20
                     for s in run.scores if s.primary and s.kind == "model")]
    if not missed:
        return []
    return [f"No model of ours comes within 20% of the scale on: {_join(missed)}."]


CAVEATS = (
    "How far to trust this: the cases are few, so a single added case can reorder the "
    "summary; differences of a few points between models are noise here.",
    "The Iran case scores the position of the election's winner as if it were a bargained "
    "outcome; models of bargaining that forecast the weighted centre of the field are not built "
    "for a winner-take-all vote.",
    "The KTAB China outcomes are codings by another project (hamzagul07/schelling), on "
    "horizons that are its own convention, not the paper's; the published KTAB forecast of the "
    "CNPC case is the midpoint of the paper's 20-40 range.",
    "The standard benchmark, the DEU III data set of EU legislative issues, cannot be "
    "downloaded in this environment and is not in this page; a user who has it scores every "
    "model on it with `grandbargain validate --deu FILE --capabilities FILE` (see below).",
)


def reading(v: LibraryValidation) -> str:
    if not v.runs:
        return "No case of the catalogue could be read, so nothing was scored.\n"
    paragraphs = _ranking(primary_summary(v))
    paragraphs += ["Case by case:\n\n" + "\n".join(f"- {_case_line(run)}" for run in v.runs)]
    paragraphs += _per_model(v) + _same_forecasts(v) + _missed(v) + _secondary(v) + _rounds(v)
    paragraphs += list(CAVEATS)
    return "\n\n".join(paragraphs) + "\n"


def _legend(v: LibraryValidation | DeuValidation) -> str:
    return "Models: " + "; ".join(f"`{m.name}` = {m.label}" for m in v.models) + "."


def markdown_page(library: LibraryValidation | None, catalogue: str,
                  deu: DeuValidation | None = None) -> str:
    out = ["# Validation: every model against real outcomes\n",
           f"<!-- Generated by `{COMMAND}` (run from the repository root, with the benchmark "
           "folder at ../shared/benchmarks/ or given with --cases). Do not edit by hand: "
           "tests/test_validate.py checks that the command reproduces this page byte for "
           "byte. -->\n",
           "Each model forecasts each case from the case's input data alone; the error is "
           "(forecast − outcome) as a share of the issue's scale, so cases on different scales "
           "can be pooled. Published forecasts of other models are scored the same way and "
           "shown as extra rows. Summary statistics use the primary outcome reading of each "
           "case; a hit is an absolute error within 5, 10 or 20% of the scale.\n"]
    if library is not None:
        out.append(f"Case catalogue: `{catalogue}`; input files are read from the benchmark "
                   "folder at run time. " + _legend(library) + "\n")
        for table in library_tables(library):
            out.append(f"## {table.title}\n")
            out.append(markdown_table(table))
        out.append("## Skipped cases\n")
        if library.skipped:
            for s in library.skipped:
                out.append(f"- `{s.case}` ({s.file}):\n"
                           + "\n".join(f"  - {p}" for p in s.problems))
            out[-1] += "\n"
        else:
            out.append("None: every case in the catalogue was read.\n")
        if library.failures:
            out.append("Models that could not run:\n\n"
                       + "\n".join(f"- {f}" for f in library.failures) + "\n")
        out.append("## Reading\n")
        out.append(reading(library))
    out.append("## DEU III (EU legislative issues)\n")
    if deu is None:
        out.append("Not run here. With a DEU III table (semicolon CSV, the layout of "
                   "`deu-format/` in the benchmark folder) and Council voting weights:\n\n"
                   "```sh\ngrandbargain validate --deu DEU3.csv --capabilities "
                   "council_voting_weights.csv \\\n    --capability-column "
                   "nice_weight_total345_eu27 --institutions average-member\n```\n\n"
                   "scores every model on every issue with a known outcome, overall and by "
                   "procedure (COD, CNS). `--institutions` sets how the Commission and the "
                   "Parliament are weighted (docs/decisions.md V-01).\n")
    else:
        out.append(f"Table `{deu.file}`, capabilities `{deu.capabilities}`"
                   + (f" (column `{deu.column}`)" if deu.column else "")
                   + f", institutions rule `{deu.institutions}`. " + _legend(deu) + "\n")
        for table in deu_tables(deu):
            out.append(f"### {table.title}\n")
            out.append(markdown_table(table))
    return "\n".join(out)
