"""Every label of the web pages in English and 繁體中文 (the scenario's own texts come from its
`_zh` twins; the bottom line and the charts' words from the report's), and the validator's
problems at a cell in 繁體中文 (in English they are the messages `grandbargain check` prints)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("en", "zh")

WORDS: dict[str, tuple[str, str]] = {
    "app": ("grandbargain", "grandbargain 大交易預測"),
    "skip": ("Skip to the content", "跳至主要內容"),
    "sign_in": ("Sign in", "登入"),
    "sign_in_title": ("Sign in with your token", "以權杖登入"),
    "token": ("Token", "權杖"),
    "token_help": ("The token `grandbargain users add NAME` printed (it starts with gb_).",
                   "`grandbargain users add 名稱` 印出的權杖（以 gb_ 開頭）。"),
    "bad_token": ("That token is not valid (wrong, revoked or mistyped).",
                  "此權杖無效（錯誤、已撤銷或輸入有誤）。"),
    "sign_out": ("Sign out", "登出"),
    "signed_in_as": ("Signed in as", "已登入："),
    "other_lang": ("繁體中文", "English"),
    "scenarios": ("Scenarios", "情境"),
    "shipped": ("Shipped scenarios (read-only)", "內建情境（唯讀）"),
    "own": ("Your scenarios", "您的情境"),
    "no_own": ("None yet: open a shipped scenario, change it and save it.",
               "尚無：開啟內建情境，修改後儲存即可建立。"),
    "as_of": ("as of", "截至"),
    "issues_n": ("issues", "個議題"),
    "actors_n": ("actors", "個行為者"),
    "owner": ("owner", "擁有者"),
    "latest": ("latest version", "最新版本"),
    "shipped_label": ("shipped, read-only", "內建，唯讀"),
    "version": ("version", "版本"),
    "grid": ("Stances: actors by issues", "立場：行為者 × 議題"),
    "grid_help": ("Position on the issue's scale and salience (0-100) per cell; hover a cell "
                  "for the rationale. Edits are not saved until you save a version.",
                  "每格為議題量表上的立場與重視程度（0–100）；滑鼠停留可看理由。"
                  "修改在儲存新版本前不會保存。"),
    "actor": ("Actor", "行為者"),
    "issue": ("Issue", "議題"),
    "position": ("position", "立場"),
    "salience": ("salience", "重視程度"),
    "no_stance": ("no stance", "無立場"),
    "scale": ("scale", "量表"),
    "status_quo": ("status quo", "現狀"),
    "save_title": ("Save as a new version", "儲存為新版本"),
    "save_message": ("What this version changes", "此版本的變更說明"),
    "save": ("Save version", "儲存版本"),
    "save_shipped": ("Save as my scenario", "另存為我的情境"),
    "saved_ok": ("Saved as version {n}.", "已儲存為第 {n} 版。"),
    "not_saved": ("Not saved: fix the values marked below.", "未儲存：請修正下方標示的數值。"),
    "read_only": ("Shared with you read-only: you cannot save versions.",
                  "此情境僅供您唯讀：無法儲存版本。"),
    "history": ("Version history", "版本紀錄"),
    "runs": ("Runs", "執行"),
    "run_forecast": ("Run forecast", "執行預測"),
    "run_deals": ("Run package deals", "執行一攬子交易"),
    "run_simulate": ("Run simulation", "執行模擬"),
    "runs_help": ("Runs use the saved version (not unsaved edits); use What-if for those.",
                  "執行使用已儲存的版本（不含未儲存的修改）；未儲存的修改請用「假設分析」。"),
    "running": ("Running…", "執行中…"),
    "cancel_run": ("Cancel run", "取消執行"),
    "run_line": ("{kind} #{id}: {state}", "{kind} #{id}：{state}"),
    "run_done_share": (", {share:.0f}% done", "，已完成 {share:.0f}%"),
    "run_elapsed": (" · {s:.1f} s", " · {s:.1f} 秒"),
    "state_queued": ("waiting for a worker", "等待執行"),
    "state_running": ("running", "執行中"),
    "state_cancelling": ("cancelling", "取消中"),
    "state_done": ("done", "完成"),
    "state_failed": ("failed", "失敗"),
    "state_cancelled": ("cancelled", "已取消"),
    "building_report": ("Building the report…", "正在產生報告…"),
    "kind_forecast": ("forecast", "預測"),
    "kind_deals": ("package deals", "一攬子交易"),
    "kind_simulate": ("simulation", "模擬"),
    "other_lang_run": ("The latest {kind} (#{id}) ran in the other language: it is being run "
                       "again in English, with the same options and seed…",
                       "最近一次{kind}（#{id}）是以另一種語言執行的：正以相同選項與種子，"
                       "用繁體中文重新執行…"),
    "run_failed": ("The run failed", "執行失敗"),
    "results": ("Results", "結果"),
    "no_results": ("No run yet: run a forecast to see the bottom line.",
                   "尚未執行：執行預測即可看到結論。"),
    "result_of": ("Result of", "結果："),
    "forecast_table": ("Forecast per issue and model", "各議題、各模型的預測"),
    "charts": ("Charts", "圖表"),
    "chart_issue": ("Issue for the forecast chart", "預測圖的議題"),
    "concessions": ("Who concedes what", "誰讓步了什麼"),
    "logrolls": ("Logrolls (trades across issues)", "跨議題交換"),
    "no_logrolls": ("No logroll in the Nash package.", "納許方案中沒有跨議題交換。"),
    "solutions": ("Bargaining solutions", "議價解"),
    "solution": ("Solution", "解"),
    "gains": ("Gains over no deal", "相對於無協議的收益"),
    "package": ("Package", "方案"),
    "frontier": ("Deal frontier", "交易前緣"),
    "intervals": ("90% intervals under input uncertainty", "輸入不確定下的 90% 區間"),
    "median_interval": ("median [5%, 95%]", "中位數 [5%, 95%]"),
    "noise_line": ("{draws} draws, seed {seed}; noise (sd, % of the scale): position "
                   "{position}, salience {salience}, capability {capability}; {distribution}; "
                   "{ranges} stance ranges.",
                   "{draws} 次抽樣，種子 {seed}；雜訊（標準差，尺度的 %）："
                   "立場 {position}、重視程度 {salience}、影響力 {capability}；"
                   "{distribution}；{ranges} 個立場範圍。"),
    "no_uncertainty": ("These inputs carry no uncertainty (no noise and no stance ranges): "
                       "every draw is the same, so each interval is a single point. Give a "
                       "noise such as position=10,salience=15.",
                       "這些輸入沒有不確定性（無雜訊、無立場範圍）：每次抽樣相同，"
                       "區間只是一個點。請設定雜訊，例如 position=10,salience=15。"),
    "sim_noise": ("Noise for the simulation", "模擬的雜訊"),
    "sim_draws": ("Draws", "抽樣次數"),
    "downloads": ("Downloads", "下載"),
    "download_json": ("JSON", "JSON"),
    "download_csv": ("CSV", "CSV"),
    "download_report": ("Report (HTML)", "報告（HTML）"),
    "what_if": ("What-if", "假設分析"),
    "what_if_help": ("Change stances in the grid, then see the forecast and the package move, "
                     "side by side with the saved version (nothing is saved). Keys: Enter in a "
                     "cell runs the what-if; Escape discards the edits.",
                     "在表格中修改立場，即可與已儲存版本並列比較預測與方案的變化（不會儲存）。"
                     "鍵盤：在格內按 Enter 執行假設分析；按 Esc 放棄修改。"),
    "run_what_if": ("Run what-if on my edits", "以我的修改執行假設分析"),
    "reset": ("Discard edits", "放棄修改"),
    "saved_side": ("Saved version", "已儲存版本"),
    "edited_side": ("With your edits", "套用您的修改"),
    "nash_package": ("Nash package", "納許方案"),
    "models_range": ("Single-issue models (low-high)", "單一議題模型（最低–最高）"),
    "changed": ("changed", "有變動"),
    "your_edits": ("Your edits (not saved)", "您的修改（未儲存）"),
    "edits_n": ("edited cells", "已修改的格數"),
    "what_if_note": ("What-if bottom lines leave out the draws (the share of draws in which "
                     "each option is in the package); the saved version's full bottom line "
                     "comes with a forecast run.",
                     "假設分析的結論不含抽樣（各選項在抽樣中屬於方案的比例）；"
                     "已儲存版本的完整結論請執行預測。"),
    "seconds": ("computed in {s:.2f} s", "計算耗時 {s:.2f} 秒"),
    "fix_cells": ("Fix the values marked in the grid first.", "請先修正表格中標示的數值。"),
    "problems": ("Problems", "問題"),
    "compare": ("Compare", "比較"),
    "compare_old": ("Older version", "較舊版本"),
    "compare_new": ("Newer version", "較新版本"),
    "message": ("Message", "說明"),
    "author": ("Author", "作者"),
    "time": ("Time", "時間"),
    "open": ("open", "開啟"),
    "diff": ("Changes", "變更"),
    "diff_title": ("Changes from version {old} to version {new}",
                   "第 {old} 版至第 {new} 版的變更"),
    "identical": ("The two versions are identical.", "兩個版本相同。"),
    "what": ("What", "項目"),
    "field": ("Field", "欄位"),
    "from": ("From", "原值"),
    "to": ("To", "新值"),
    "added": ("added", "新增"),
    "removed": ("removed", "移除"),
    "back": ("Back to the scenario", "返回情境"),
    "not_found": ("Not found", "找不到"),
    "error": ("Error", "錯誤"),
    "progress": ("Run progress", "執行進度"),
    "bottom_line": ("Bottom line", "結論"),
}


def word(key: str, lang: str) -> str:
    en, zh = WORDS[key]
    return zh if lang == "zh" else en


def words(lang: str) -> dict[str, str]:
    return {key: (zh if lang == "zh" else en) for key, (en, zh) in WORDS.items()}


# A stance's fields and the validator's problems with them (`Problem.kind` and its details), as
# the cells say them in 繁體中文.
FIELDS_ZH = {"position": "立場", "salience": "重視程度", "low": "最低可能立場",
             "high": "最高可能立場", "capability": "影響力"}
PROBLEMS_ZH = {
    "outside_scale": "{field} {value} 超出議題量表 {min}–{max}",
    "below_minimum": "{field} {value} 低於下限 {minimum}",
    "above_maximum": "{field} {value} 高於上限 {maximum}",
    "not_above": "{field} {value} 必須大於 {above}",
    "not_a_number": "{field}「{value}」不是數字",
    "not_finite": "{field}必須是有限的數字",
    "low_above_position": "最低可能立場 {low} 高於立場 {position}",
    "high_below_position": "最高可能立場 {high} 低於立場 {position}",
}


def _shown(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{value:g}"


def cell_problem(label: str, message: str, kind: str, details: Mapping[str, Any],
                 lang: str) -> str:
    """A validator problem at a cell: in English `check`'s own message after the field's name;
    in 繁體中文 from its kind and details (the English message where the kind has no words)."""
    wording = PROBLEMS_ZH.get(kind) if lang == "zh" else None
    if wording is None:
        return f"{label}: {message}" if label else message
    shown = {name: _shown(value) for name, value in details.items()}
    if kind == "not_a_number" and str(details.get("value", "")).strip() == "":
        return f"{FIELDS_ZH.get(label, label)}：請輸入數字"
    try:
        return wording.format(field=FIELDS_ZH.get(label, label), **shown)
    except (KeyError, IndexError):  # details without a value the wording names
        return f"{label}: {message}" if label else message


# The charts' mode bar in 繁體中文 (S-010): the installed plotly package ships plotly.js with
# its English words only, so the zh pages register these as plotly.js's zh-TW locale. Keys are
# plotly.js's own English texts.
PLOTLY_ZH_TW = {
    "Download plot as a PNG": "下載圖表（PNG）",
    "Download plot": "下載圖表",
    "Preparing image - this may take a few seconds": "正在準備圖片，可能需要數秒",
    "Image download succeeded": "圖片已下載",
    "Sorry, there was a problem downloading your image!": "抱歉，下載圖片時發生問題！",
    "Zoom": "縮放",
    "Pan": "平移",
    "Box Select": "方框選取",
    "Lasso Select": "套索選取",
    "Zoom in": "放大",
    "Zoom out": "縮小",
    "Autoscale": "自動縮放",
    "Reset axes": "重設座標軸",
    "Reset view": "重設檢視",
    "Reset views": "重設檢視",
    "Reset": "重設",
    "Toggle Spike Lines": "切換輔助線",
    "Show closest data on hover": "懸停時顯示最近的資料",
    "Compare data on hover": "懸停時比較資料",
    "Toggle show closest data on hover": "切換懸停時顯示最近的資料",
}
