// The scenario page: runs with their progress, results with the report's charts, the cells'
// problems from the validator, what-if forecasts of unsaved edits. Plain ES module, no build.
const page = document.getElementById("page");
const source = page ? JSON.parse(page.dataset.source) : null;
const lang = page ? page.dataset.lang : "en";
let plotly = null;

// The charts' options: no mode bar button that would send a chart elsewhere, the PNG export
// kept, the mode bar's words in 繁體中文 on zh pages (S-010).
const plotlyWords = page && page.dataset.plotlyWords ? JSON.parse(page.dataset.plotlyWords) : null;
const CHART_CONFIG = {
  responsive: true, displaylogo: false,
  modeBarButtonsToRemove: ["sendChartToCloud"],
  toImageButtonOptions: {format: "png", scale: 2},
  ...(plotlyWords ? {locale: "zh-TW"} : {}),
};

function loadPlotly() {
  if (!plotly) {
    plotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const script = document.createElement("script");
      script.src = "/app/static/plotly.min.js";
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => reject(new Error("plotly.js did not load"));
      document.head.appendChild(script);
    }).then((Plotly) => {
      if (plotlyWords) {
        Plotly.register({moduleType: "locale", name: "zh-TW", dictionary: plotlyWords});
      }
      return Plotly;
    });
  }
  return plotly;
}

// plotly.js draws its mode bar's buttons as links without an href, out of the Tab order:
// they become buttons one reaches with Tab and presses with Enter or Space.
function keyboardModeBar(el) {
  for (const button of el.querySelectorAll(".modebar-btn")) {
    button.tabIndex = 0;
    button.setAttribute("role", "button");
    if (button.dataset.title) button.setAttribute("aria-label", button.dataset.title);
    button.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        button.dispatchEvent(new MouseEvent("click", {bubbles: true}));
      }
    });
  }
}

// plotly.js (4.8 MB) is fetched only once the page has loaded and a chart comes near the
// screen, so the grid and the bottom line never wait for it (S-012).
function afterLoad() {
  if (document.readyState === "complete") return Promise.resolve();
  return new Promise((resolve) => window.addEventListener("load", resolve, {once: true}));
}

function plotNow(plots) {
  afterLoad().then(loadPlotly).then((Plotly) => {
    for (const el of plots) {
      const fig = JSON.parse(el.dataset.figure);
      const config = {...CHART_CONFIG, toImageButtonOptions: {
        ...CHART_CONFIG.toImageButtonOptions, filename: el.dataset.chart || "chart"}};
      Plotly.newPlot(el, fig.data, fig.layout, config)
        .then(() => keyboardModeBar(el));
    }
  });
}

const chartObserver = "IntersectionObserver" in window
  ? new IntersectionObserver((entries) => {
    const near = entries.filter((e) => e.isIntersecting).map((e) => e.target);
    near.forEach((el) => chartObserver.unobserve(el));
    if (near.length) plotNow(near);
  }, {rootMargin: "300px"})
  : null;

function drawCharts(root) {
  const plots = [...root.querySelectorAll(".plot[data-figure]")].filter(
    (el) => !el.closest("[hidden]") && !el.dataset.drawn);
  if (!plots.length) return;
  plots.forEach((el) => { el.dataset.drawn = "1"; });
  if (chartObserver) plots.forEach((el) => chartObserver.observe(el));
  else plotNow(plots);
}

function wireResults(root) {
  for (const link of root.querySelectorAll("a[data-busy-label]")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      downloadReport(link);
    });
  }
  for (const select of root.querySelectorAll(".issue-chart-select")) {
    select.addEventListener("change", () => {
      const figures = select.parentElement.querySelectorAll(".issue-charts > figure");
      figures.forEach((f, k) => { f.hidden = String(k) !== select.value; });
      drawCharts(select.parentElement);
    });
  }
  drawCharts(root);
}

async function postJSON(url, body) {
  const response = await fetch(url, {
    method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify(body), credentials: "same-origin"});
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  return {ok: response.ok, status: response.status, data};
}

// -- runs ------------------------------------------------------------------------------------
const progress = document.getElementById("run-progress");
const runError = document.getElementById("run-error");
const runMessage = document.getElementById("run-message");
const runCancel = document.getElementById("run-cancel");
let currentRun = null;
const results = document.getElementById("results");
const runButtons = [...document.querySelectorAll("button[data-kind]")];

function showError(el, text) {
  el.textContent = text;
  el.hidden = !text;
}

function setRunning(running) {
  runButtons.forEach((b) => { b.disabled = running; });
  progress.hidden = !running;
  runCancel.hidden = !running;
  runCancel.disabled = false;
  if (running) {
    progress.value = 0;
    progress.removeAttribute("value");  // indeterminate until the API reports progress
  }
}

// Follows run `id` to its end through the API (its state and progress in run-message), then
// shows its results in the page's language.
async function followRun(id) {
  currentRun = id;
  for (;;) {
    await new Promise((r) => setTimeout(r, 400));
    const response = await fetch(`/app/api/runs/${id}?lang=${lang}`, {credentials: "same-origin"});
    const run = await response.json();
    if (!response.ok) throw new Error(run.detail || `HTTP ${response.status}`);
    if (run.progress > 0) progress.value = run.progress;
    runMessage.textContent = run.message;
    if (run.status === "done") break;
    if (run.status === "cancelled") return;  // the message says so; nothing went wrong
    if (run.status === "failed") throw new Error(run.error || run.status);
  }
  const view = await fetch(`/app/api/runs/${id}/view?lang=${lang}`, {credentials: "same-origin"});
  if (!view.ok) throw new Error(`HTTP ${view.status}`);
  results.innerHTML = await view.text();
  wireResults(results);
}

async function runAndShow(start) {
  showError(runError, "");
  setRunning(true);
  try {
    const started = await start();
    if (!started.ok || !started.data.ok) {
      throw new Error(started.data ? started.data.detail : `HTTP ${started.status}`);
    }
    runMessage.textContent = started.data.message || "";
    await followRun(started.data.id);
  } catch (error) {
    showError(runError, String(error.message || error));
  } finally {
    currentRun = null;
    setRunning(false);
  }
}

async function cancelRun() {
  if (currentRun === null) return;
  runCancel.disabled = true;
  const answer = await postJSON(`/app/api/runs/${currentRun}/cancel?lang=${lang}`, {});
  if (answer.ok) runMessage.textContent = answer.data.message;
  else showError(runError, answer.data ? answer.data.detail : `HTTP ${answer.status}`);
}

// The report is built when asked for (a few seconds): the link says so meanwhile, and the file
// is saved from the answer.
async function downloadReport(link) {
  if (link.getAttribute("aria-busy") === "true") return;
  const label = link.textContent;
  link.setAttribute("aria-busy", "true");
  link.textContent = link.dataset.busyLabel;
  try {
    const response = await fetch(link.href, {credentials: "same-origin"});
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const disposition = response.headers.get("Content-Disposition") || "";
    const name = (disposition.match(/filename="([^"]+)"/) || [])[1] || "report.html";
    const url = URL.createObjectURL(await response.blob());
    const save = document.createElement("a");
    save.href = url;
    save.download = name;
    document.body.appendChild(save);
    save.click();
    save.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) {
    showError(runError, String(error.message || error));
  } finally {
    link.textContent = label;
    link.removeAttribute("aria-busy");
  }
}

function startRun(kind) {
  const body = {kind, source, lang};
  if (kind === "simulate") {
    body.noise = document.getElementById("sim-noise").value;
    body.draws = document.getElementById("sim-draws").value;
  }
  return runAndShow(() => postJSON("/app/api/runs", body));
}

// Results made in the other language: the same run again in the page's language (S-005).
function inPageLanguage(root) {
  const pending = root.querySelector("[data-translate]");
  if (!pending) return;
  runAndShow(() => postJSON(`/app/api/runs/${pending.dataset.translate}/lang`, {lang}));
}

// -- the grid: edits, problems at the cells, what-if ------------------------------------------
const cellInputs = [...document.querySelectorAll("td.cell input[type=number]")];
const editCount = document.getElementById("edit-count");

function edits() {
  return cellInputs.filter((el) => el.value.trim() !== el.dataset.saved).map((el) => {
    const cell = el.closest("td");
    return {actor: cell.dataset.actor, issue: cell.dataset.issue, field: el.dataset.field,
            value: el.value};
  });
}

function showProblems(problems) {
  for (const cell of document.querySelectorAll("td.cell[data-actor]")) {
    const key = `${cell.dataset.actor}-${cell.dataset.issue}`;
    const box = document.getElementById(`cell-error-${key}`);
    const messages = problems[`${cell.dataset.actor}/${cell.dataset.issue}`] || [];
    box.replaceChildren(...messages.map((m) => {
      const span = document.createElement("span");
      span.textContent = m;
      return span;
    }));
    box.hidden = messages.length === 0;
    cell.classList.toggle("invalid", messages.length > 0);
    for (const input of cell.querySelectorAll("input[type=number]")) {
      if (messages.length) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }
}

let checkTimer = null;
let checkSerial = 0;
function scheduleCheck() {
  const changed = edits();
  for (const el of cellInputs) el.classList.toggle("edited", el.value.trim() !== el.dataset.saved);
  editCount.textContent = changed.length ? `${page.dataset.editsLabel || ""}${changed.length}` : "";
  clearTimeout(checkTimer);
  checkTimer = setTimeout(async () => {
    const serial = ++checkSerial;
    const answer = await postJSON("/app/api/check", {source, edits: edits(), lang});
    if (serial !== checkSerial || !answer.ok) return;
    showProblems(answer.data.problems || {});
  }, 250);
}

const whatIfPanel = document.getElementById("what-if-panel");
const whatIfError = document.getElementById("what-if-error");
const whatIfButton = document.getElementById("what-if");

async function runWhatIf() {
  showError(whatIfError, "");
  whatIfButton.disabled = true;
  whatIfButton.setAttribute("aria-busy", "true");
  try {
    const answer = await postJSON("/app/api/what-if", {source, edits: edits(), lang});
    if (!answer.ok) throw new Error(answer.data ? answer.data.detail : `HTTP ${answer.status}`);
    showProblems(answer.data.problems || {});
    if (!answer.data.ok) {
      const other = answer.data.other || [];
      showError(whatIfError, other.length ? other.join("\n") : whatIfError.dataset.cells || "");
      whatIfPanel.hidden = true;
      return;
    }
    whatIfPanel.innerHTML = answer.data.html;
    whatIfPanel.hidden = false;
  } catch (error) {
    showError(whatIfError, String(error.message || error));
  } finally {
    whatIfButton.disabled = false;
    whatIfButton.removeAttribute("aria-busy");
  }
}

function reset() {
  for (const el of cellInputs) el.value = el.dataset.saved;
  for (const slider of document.querySelectorAll("input[type=range][data-for]")) {
    slider.value = document.getElementById(slider.dataset.for).dataset.saved;
  }
  whatIfPanel.hidden = true;
  whatIfPanel.replaceChildren();
  showError(whatIfError, "");
  scheduleCheck();
}

if (page) {
  runButtons.forEach((b) => b.addEventListener("click", () => startRun(b.dataset.kind)));
  runCancel.addEventListener("click", cancelRun);
  // Escape anywhere on the page discards the what-if edits (a select or a dialog that used
  // the key for itself has prevented its default)
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    if (edits().length || !whatIfPanel.hidden) {
      event.preventDefault();
      reset();
    }
  });
  for (const el of cellInputs) {
    el.addEventListener("input", scheduleCheck);
    // Enter in a cell runs the what-if; saving is the save button's (with its message)
    el.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        runWhatIf();
      }
    });
  }
  for (const slider of document.querySelectorAll("input[type=range][data-for]")) {
    const number = document.getElementById(slider.dataset.for);
    slider.addEventListener("input", () => { number.value = slider.value; scheduleCheck(); });
    number.addEventListener("input", () => {
      const value = Number(number.value);
      if (number.value.trim() !== "" && Number.isFinite(value)) slider.value = value;
    });
  }
  whatIfButton.addEventListener("click", runWhatIf);
  document.getElementById("what-if-reset").addEventListener("click", reset);
  wireResults(document);
  inPageLanguage(results);
}
