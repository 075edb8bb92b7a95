"""Traditional Chinese throughout (issue 13, item 3): the zh report document of the default
scenario holds no English sentence, every shipped scenario text has its `_zh` translation, and
`check` warns (without failing) about a missing one, naming the field and the line."""

from __future__ import annotations

import re
import textwrap

import pytest
from typer.testing import CliRunner

from grandbargain.cli import app
from grandbargain.models import MODELS
from grandbargain.scenario import ScenarioError, builtin_scenarios, load_scenario
from grandbargain.scenario._translations import check_translations

# Latin-script words a Chinese text may hold: names, acronyms are allowed separately (all
# capitals and digits), ids come from the scenario and the models.
NAMES = {
    "TikTok", "Blackwell", "Nash", "Scholz", "Stokman", "Kalai-Smorodinsky", "grandbargain",
    "Truth", "Social", "PVH", "Illumina",
}
SKIPPED_KEYS = {"params", "source", "grandbargain_version", "lang", "kind", "stopped",
                "distribution", "column", "solution", "format", "file", "status",
                # the tariff section's machine ids (its layers' names are checked below)
                "id", "family", "product"}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'.\-]*[A-Za-z0-9]|[A-Za-z]")


def english_words(text: str, allowed: set[str]) -> list[str]:
    """Latin-script words of a text that are no id, name, acronym or code span."""
    text = re.sub(r"`[^`]*`", "", text)           # code: commands, options, model names
    text = re.sub(r"--[a-z][a-z\-]*", "", text)   # command-line options
    text = re.sub(r"\d[\d.]*e[-+]?\d+", "", text)  # numbers in exponent notation
    text = re.sub(r"https?://[^\s）)]+", "", text)  # addresses
    text = re.sub(r"\b[a-z][\w\-]*/[\w./\-]+", "", text)  # file paths (docs/decisions.md)
    out = []
    for word in WORD.findall(text):
        bare = word.strip(".-'")
        if bare in allowed or bare in NAMES or re.fullmatch(r"[A-Z0-9][A-Z0-9\-/.]*", bare):
            continue
        if re.fullmatch(r"[A-Za-z]?\d[\w.]*", bare):  # numbers with a unit letter (8-K)
            continue
        out.append(word)
    return out


def leftovers(value, allowed: set[str], path: str = "") -> list[str]:
    if isinstance(value, dict):
        return [hit for k, v in value.items() if k not in SKIPPED_KEYS
                for hit in leftovers(v, allowed, f"{path}.{k}")]
    if isinstance(value, list):
        return [hit for v in value for hit in leftovers(v, allowed, f"{path}[]")]
    if isinstance(value, str) and value not in allowed:
        words = english_words(value, allowed)
        return [f"{path}: {words} in {value[:120]!r}"] if words else []
    return []


@pytest.fixture(scope="module")
def zh_documents():
    from grandbargain.cli.forecast import pick_models
    from grandbargain.cli.report import forecast_documents
    from grandbargain.report import report_document

    scenario = load_scenario()
    models = pick_models(None)
    results = [m.forecast(scenario) for m in models]
    forecasts = forecast_documents(scenario, models, results, None, 0, None, "normal")
    doc = report_document(scenario, results, "zh", forecast=forecasts["zh"])
    allowed = {a.id for a in scenario.actors} | {i.id for i in scenario.issues} | \
        {p.id for p in scenario.principals} | set(MODELS) | {scenario.id} | \
        {m["name"] for m in doc["forecast"]["models"]} | \
        {str(v) for m in doc["forecast"]["models"] for v in m["params"].values()}
    return scenario, doc, allowed


def test_the_zh_report_document_holds_no_english_sentence(zh_documents):
    _, doc, allowed = zh_documents
    found = leftovers(doc, allowed)
    assert not found, "\n".join(found[:20])


def test_the_zh_bottom_line_and_brief_hold_no_english_sentence(zh_documents):
    from grandbargain.report import markdown_brief
    from grandbargain.report._bottom_line import bottom_line_lines

    _, doc, allowed = zh_documents
    lines = bottom_line_lines(doc["forecast"]["bottom_line"], "zh")
    assert lines[0] == "重點判斷"
    brief = markdown_brief(doc)
    found = [f"{line}: {english_words(line, allowed)}" for line in [*lines, *brief.splitlines()]
             if english_words(line, allowed)]
    assert not found, "\n".join(found[:20])


def test_the_checker_finds_english(zh_documents):
    _, _, allowed = zh_documents
    assert english_words("美方 loses a confrontation to 中方", allowed) == \
        ["loses", "a", "confrontation", "to"]
    assert english_words("美國對華AI晶片（H20/MI308級）、CFIUS、`eu-scholz`、us_tariffs=30",
                         allowed) == []


def test_the_zh_document_shows_the_translations(zh_documents):
    scenario, doc, _ = zh_documents
    part = doc["scenario"]
    assert part["description"] == scenario.description_zh != scenario.description
    assert part["sources"] == list(scenario.sources_zh)
    tariffs = next(i for i in part["issues"] if i["id"] == "us_tariffs")
    assert tariffs["unit"] == "百分點"
    assert tariffs["status_quo_note"].startswith("20個百分點芬太尼關稅")
    assert all(st["rationale"] for st in tariffs["stances"])
    assert doc["forecast"]["issues"][0]["unit"] == "管制程度"


@pytest.mark.parametrize("name", builtin_scenarios())
def test_every_shipped_text_has_its_translation(name):
    assert check_translations(name) == []
    s = load_scenario(name)
    assert s.description_zh and len(s.sources_zh) == len(s.sources)
    assert all(i.unit_zh and (i.status_quo_note_zh or not i.status_quo_note) for i in s.issues)
    assert all(st.rationale_zh for st in s.stances)
    assert all(a.description_zh for a in s.actors if a.description)
    assert all(r.note_zh for p in s.principals for r in p.red_lines if r.note)


def test_every_model_has_a_chinese_label():
    from grandbargain.models._labels import MODEL_LABELS_ZH

    assert set(MODELS) <= set(MODEL_LABELS_ZH)


def test_offer_sentences_in_both_languages():
    from grandbargain.models.expected_utility import AcceptedOffer

    offer = AcceptedOffer("a", "b", "compromise", 7.0, 8.6, 0.1, 0.2)
    names = {"a": "美方", "b": "中方"}
    assert offer.sentence(names) == "美方 compromises with 中方: 7.0 -> 8.6"
    assert offer.sentence(names, lang="zh") == "美方與中方妥協：7.0 → 8.6"


BILINGUAL = """\
format_version: 1
scenario: {id: t, title: Test, title_zh: 測試}
issues:
  - id: x
    name: Issue X
    name_zh: 議題X
    scale: {min: 0, max: 10, unit: points}
actors:
  - {id: a, name: A, name_zh: 甲, capability: 1}
  - {id: b, name: B, capability: 1}
stances:
  a:
    x: {position: 1, salience: 50, rationale: "wants little", rationale_zh: 要求不多}
  b:
    x: {position: 9, salience: 50, rationale: "wants much"}
"""


def test_check_warns_about_each_missing_translation_with_field_and_line(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(BILINGUAL, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert f"warning: {path}:7:30 [issues.0.scale.unit]" in result.output
    assert any(f"{path}:10:" in w and "[actors.1.name]" in w for w in warnings)
    assert any(f"{path}:15:" in w and "[stances.b.x.rationale]" in w and "rationale_zh" in w
               for w in warnings)
    assert len(warnings) == 3, warnings
    assert "OK" in result.output


def test_check_is_silent_for_an_english_only_file_unless_it_declares_both(tmp_path):
    english = re.sub(r"(, )?(title|name|rationale)_zh: [^,}\n]+", "", BILINGUAL)
    english = "\n".join(line for line in english.splitlines() if "_zh:" not in line) + "\n"
    path = tmp_path / "en.yaml"
    path.write_text(english, encoding="utf-8")
    assert check_translations(str(path)) == []
    path.write_text(english.replace("title: Test", "title: Test, languages: [en, zh]"),
                    encoding="utf-8")
    fields = [p.field for p in check_translations(str(path))]
    assert "scenario.title" in fields and "stances.a.x.rationale" in fields


def test_a_child_that_rewrites_a_text_drops_the_stale_translation(tmp_path):
    path = tmp_path / "child.yaml"
    path.write_text(textwrap.dedent("""\
        extends: us-china-2025-07
        scenario: {id: child, title: Child, title_zh: 子情境}
        stances:
          us_hawks:
            tiktok: {rationale: "A new reason."}
        """), encoding="utf-8")
    s = load_scenario(path)
    stance = s.stance("us_hawks", "tiktok")
    assert stance.rationale == "A new reason." and stance.rationale_zh == ""
    assert stance.rationale_text("zh") == "A new reason."
    other = s.stance("us_hawks", "us_tariffs")
    assert other.rationale_zh == load_scenario().stance("us_hawks", "us_tariffs").rationale_zh
    problems = check_translations(str(path))
    assert [p.field for p in problems] == ["stances.us_hawks.tiktok.rationale"]
    assert problems[0].location.file == str(path) and problems[0].location.line == 5


def test_sources_zh_needs_one_translation_per_source(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text(BILINGUAL.replace(
        "title_zh: 測試}", "title_zh: 測試, sources: [a, b], sources_zh: [甲]}"),
        encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"scenario.sources_zh.*1 translations for 2 sources"):
        load_scenario(path)


def test_the_zh_timeline_replay_speaks_chinese():
    from grandbargain.models import CompromiseModel
    from grandbargain.timeline import shipped_history
    from grandbargain.timeline._replay import replay_document

    history = shipped_history()
    base = load_scenario(history.scenario)
    doc = replay_document(base, history, [CompromiseModel()], lang="zh")
    allowed = {a.id for a in base.actors} | {i.id for i in base.issues} | {"compromise"}
    texts = [doc["bottom_line"], *(step["text"] for step in doc["steps"]),
             *(source for step in doc["steps"] for e in step["events"] for source in e["sources"])]
    found = [f"{english_words(t, allowed)} in {t[:100]!r}" for t in texts
             if english_words(t, allowed)]
    assert not found, "\n".join(found[:10])
    geneva = next(s for s in doc["steps"] if s["date"] == "2025-05-14")
    assert "「美國2025年對中國商品加徵的關稅」現狀 145 -> 30" in geneva["text"]
    # the replayed July scenario carries every translation of the July file
    from grandbargain.timeline import scenario_as_of

    july, replayed = load_scenario("us-china-2025-07"), scenario_as_of(base, history)
    assert [i.status_quo_note_zh for i in replayed.issues] == \
        [i.status_quo_note_zh for i in july.issues]
    assert len(replayed.sources_zh) == len(replayed.sources) > len(base.sources)


def test_the_zh_tariff_stack_document_speaks_chinese():
    from datetime import date

    from grandbargain.trade import shipped_events
    from grandbargain.trade._documents import stack_document

    doc = stack_document(shipped_events(), date(2025, 4, 12), "general", "zh")
    texts = [doc["bottom_line"], doc["stacking_rules"],
             *(la[k] for s in doc["stacks"] for la in s["layers"] for k in ("name", "basis",
                                                                            "status", "set_by")),
             *(source for s in doc["stacks"] for la in s["layers"] for source in la["sources"])]
    found = [f"{english_words(t, {'general'})} in {t[:100]!r}" for t in texts
             if t and english_words(t, {"general"})]
    assert not found, "\n".join(found)


def test_the_json_schema_takes_the_translated_scenario():
    jsonschema = pytest.importorskip("jsonschema")
    from grandbargain.scenario import json_schema
    from grandbargain.scenario._load import _read_document, builtin_path

    data, _ = _read_document(builtin_path("us-china-2025-07"), "yaml", {})
    data["scenario"]["as_of"] = data["scenario"]["as_of"].isoformat()
    jsonschema.validate(data, json_schema())
    for key in ("description_zh", "sources_zh", "languages"):
        assert key in json_schema()["$defs"]["MetaDoc"]["properties"]


def english_in_terminal(output: str, allowed: set[str]) -> list[str]:
    """Lines of a command's Chinese output that hold an English word, after taking out what
    is no sentence: file paths and names, hex hashes and times."""
    found = []
    for line in output.splitlines():
        text = re.sub(r"(?:[A-Za-z]:)?[\w.\-]*/[\w./\-]*", " ", line)   # paths
        text = re.sub(r"[\w.\-]+\.(?:ya?ml|jsonl?|csv|tsv|md)\b", " ", text)  # file names
        text = re.sub(r"\b[0-9a-f]{12,64}\b", " ", text)                 # hashes
        text = re.sub(r"\d{4}-\d\d-\d\dT[\d:.+]+", " ", text)             # times
        words = english_words(text, allowed)
        if words:
            found.append(f"{words} in {line!r}")
    return found
