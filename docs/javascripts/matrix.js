// The matrix page's filters. The table is complete without JavaScript; this shows the controls,
// keeps their state in the URL (?method=spawn&verdict=error restores a view from a link), hides
// rows and columns, and, when the environments are narrowed (OS, implementation, versions),
// recomputes each cell from the page's data with the same ranges as the generator
// (mpmatrix.site.where). Text from the data is only ever set as textContent.
"use strict";

function nameTheSearchDialog() {
  const dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
}

function versionLabel(env, neighbours) {
  const minor = env.python.split(".").slice(0, 2).join(".");
  const shared = neighbours.filter((other) => other.python.startsWith(minor + ".")).length;
  return (shared > 1 ? env.python : minor) + (env.ft ? "t" : "");
}

function versionRanges(members, hits) {
  const flags = members.map((env) => hits.has(env.id));
  if (flags.every(Boolean)) return "";
  const labels = members.map((env) => versionLabel(env, members));
  const last = members.length - 1;
  const texts = [];
  let start = null;
  flags.concat([false]).forEach((flag, index) => {
    if (flag && start === null) start = index;
    else if (!flag && start !== null) {
      const end = index - 1;
      if (start === end) texts.push(end < last ? labels[start] : labels[start] + "+");
      else if (end === last) texts.push(labels[start] + "+");
      else texts.push(`${labels[start]}–${labels[end]}`);
      start = null;
    }
  });
  return texts.join(", ");
}

function platformLabels(seen) {
  // As mpmatrix.site.platform_labels: "macOS", or "macOS (arm64)" where it ran on two machines.
  const machines = new Map();
  for (const env of seen) {
    if (!machines.has(env.os)) machines.set(env.os, new Set());
    machines.get(env.os).add(env.machine);
  }
  return new Map(seen.map((env) => [env.id, machines.get(env.os).size > 1
    ? `${env.osLabel} (${env.machine})` : env.osLabel]));
}

function where(hits, seen) {
  const groups = new Map();
  const platforms = platformLabels(seen);
  for (const env of seen) {
    if (!groups.has(env.impl)) groups.set(env.impl, new Map());
    const byOs = groups.get(env.impl);
    const platform = platforms.get(env.id);
    if (!byOs.has(platform)) byOs.set(platform, []);
    byOs.get(platform).push(env);
  }
  const parts = [];
  for (const [label, byOs] of groups) {
    const texts = new Map();
    for (const [platform, members] of byOs)
      if (members.some((env) => hits.has(env.id))) texts.set(platform, versionRanges(members, hits));
    if (!texts.size) continue;
    const values = new Set(texts.values());
    if (texts.size === byOs.size && values.size === 1) {
      parts.push(`${label} ${[...values][0]}`.trim());
    } else {
      for (const [platform, text] of texts) parts.push(`${label} ${text}`.trim() + ` on ${platform}`);
    }
  }
  return parts.join(", ");
}

function fillCell(td, observed, data) {
  // observed: [[env index, outcome index, failed], ...] for the environments shown.
  const byOutcome = new Map();
  for (const [env, outcome, failed] of observed) {
    if (!byOutcome.has(outcome)) byOutcome.set(outcome, { envs: [], failed: false });
    const entry = byOutcome.get(outcome);
    entry.envs.push(data.envs[env]);
    entry.failed = entry.failed || Boolean(failed);
  }
  td.replaceChildren();
  if (!byOutcome.size) {
    const none = td.appendChild(document.createElement("span"));
    none.className = "none";
    none.title = "no results";
    none.textContent = "·";
    return;
  }
  const seen = observed.map(([env]) => data.envs[env]);
  let first = true;
  for (const [outcome, entry] of byOutcome) {
    if (!first) {
      const sep = td.appendChild(document.createElement("span"));
      sep.className = "sep";
      sep.textContent = " · ";
    }
    first = false;
    const part = td.appendChild(document.createElement("span"));
    part.className = entry.failed ? "part mismatch" : "part";
    if (entry.failed) part.title = "differs from the expectation somewhere";
    const word = part.appendChild(document.createElement("span"));
    word.className = `verdict verdict-${data.outcomes[outcome].word}`;
    word.textContent = data.outcomes[outcome].label;
    if (byOutcome.size > 1) {
      const place = part.appendChild(document.createElement("span"));
      place.className = "where";
      place.textContent = ": " + where(new Set(entry.envs.map((env) => env.id)), seen);
    }
  }
}

function compareVersion(version, minorText) {
  const [major, minor] = minorText.split(".").map(Number);
  return version[0] - major || version[1] - minor;
}

// "hang" matches the word hang, not "changes": a word must start where the text's word starts.
function matchesWord(text, word) {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^a-z0-9_])${escaped}`).test(text);
}

function setUpMatrix() {
  const form = document.querySelector("form.matrix-filters");
  const source = document.getElementById("matrix-data");
  if (!form || !source) return;
  const data = JSON.parse(source.textContent);
  const table = document.querySelector("table.matrix");
  const rows = [...table.querySelectorAll("tbody tr[data-family]")];
  const original = new Map(rows.map((row) => [row, [...row.cells].slice(1).map((td) => td.innerHTML)]));
  const count = form.querySelector(".row-count");
  const noMatch = document.querySelector(".no-match");
  const fields = [...form.elements].filter((element) => element.name);

  function state() {
    const values = {};
    for (const field of fields) {
      if (field.type === "checkbox") {
        if (field.checked) values[field.name] = "1";
      } else if (field.value) values[field.name] = field.value;
    }
    return values;
  }

  function restore() {
    const params = new URLSearchParams(location.search);
    for (const field of fields) {
      if (field.type === "checkbox") field.checked = params.get(field.name) === "1";
      // A link may carry any text: the search box keeps what it would let a reader type.
      else field.value = (params.get(field.name) || "").slice(0, field.maxLength > 0 ? field.maxLength : undefined);
      if (field.tagName === "SELECT" && field.selectedIndex < 0) field.value = "";
    }
  }

  function apply() {
    const s = state();
    const envShown = data.envs.map((env) =>
      (!s.os || env.os === s.os) && (!s.impl || env.impl === s.impl)
      && (!s.from || compareVersion(env.version, s.from) >= 0)
      && (!s.to || compareVersion(env.version, s.to) <= 0));
    const narrowed = envShown.some((shown) => !shown);
    let methods = s.method ? [s.method] : data.methods;
    // Free text: a method name picks the columns, a verdict word must be in them, other words
    // must start a word of the case's title, name or what its cells show ("spawn error").
    const words = (s.q || "").toLowerCase().split(/\s+/).filter(Boolean);
    const methodWords = words.filter((word) => data.methods.includes(word));
    if (methodWords.length) methods = methods.filter((method) => methodWords.includes(method));
    const verdictWords = words.filter((word) => data.outcomes.some((outcome) => outcome.word === word));
    const textWords = words.filter((word) => !methodWords.includes(word) && !verdictWords.includes(word));
    for (const cell of table.querySelectorAll("[data-method]"))
      cell.hidden = !methods.includes(cell.dataset.method);
    let shown = 0;
    for (const row of rows) {
      const observed = {};
      for (const method of data.methods)
        observed[method] = data.rows[row.id][method].filter(([env]) => envShown[env]);
      const outcomesOf = (method) => observed[method].map(([, outcome]) => data.outcomes[outcome]);
      const hasVerdict = (word) => methods.some((method) => outcomesOf(method).some((o) => o.word === word));
      const labels = methods.flatMap((method) => outcomesOf(method).map((outcome) => outcome.label));
      const text = (row.dataset.text + " " + labels.join(" "))
        .toLowerCase();
      let visible = (!s.family || row.dataset.family === s.family)
        && (!s.direction || row.dataset.direction === s.direction)
        && (!s.verdict || hasVerdict(s.verdict))
        && verdictWords.every(hasVerdict)
        && textWords.every((word) => matchesWord(text, word));
      if (visible && s["envs-disagree"])
        visible = methods.some((method) => new Set(observed[method].map(([, o]) => o)).size > 1);
      if (visible && s["methods-disagree"]) {
        const byEnv = new Map();
        for (const method of data.methods)
          for (const [env, outcome] of observed[method]) {
            if (!byEnv.has(env)) byEnv.set(env, new Set());
            byEnv.get(env).add(outcome);
          }
        visible = [...byEnv.values()].some((outcomes) => outcomes.size > 1);
      }
      row.hidden = !visible;
      shown += visible ? 1 : 0;
      [...row.cells].slice(1).forEach((td, index) => {
        if (narrowed) fillCell(td, observed[td.dataset.method], data);
        else if (td.innerHTML !== original.get(row)[index]) td.innerHTML = original.get(row)[index];
      });
    }
    for (const body of table.tBodies)
      body.hidden = ![...body.rows].some((row) => row.dataset.family && !row.hidden);
    count.textContent = `${shown} of ${rows.length} cases`;
    noMatch.hidden = shown > 0;
    const query = new URLSearchParams(s).toString();
    history.replaceState(null, "", (query ? "?" + query : location.pathname) + location.hash);
  }

  restore();
  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", (event) => event.preventDefault());
  form.querySelector(".filter-reset").addEventListener("click", (event) => {
    event.preventDefault();
    form.reset();
    apply();
  });
  apply();
  if (location.hash) document.getElementById(fragment())?.scrollIntoView();
}

/** The id the address's fragment names; as it is when it is not valid percent-encoding. */
function fragment() {
  const text = location.hash.slice(1);
  try {
    return decodeURIComponent(text);
  } catch (error) {
    return text;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  nameTheSearchDialog();
  setUpMatrix();
});
