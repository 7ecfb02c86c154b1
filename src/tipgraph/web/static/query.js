// tipgraph query page: a SPARQL editor with highlighting, example picker, results, labels.
// Plain ES2020, no dependencies, no build step. Loaded with `defer` from /static/ (the CSP forbids
// inline scripts). The DOM is built with createElement and textContent only: no data is ever
// parsed as HTML.
"use strict";

(function () {
  // ---------------------------------------------------------------------------------------------
  // Tokenizer: splits SPARQL text into [type, text] pairs; the pieces join back to the input.
  // ---------------------------------------------------------------------------------------------

  const KEYWORDS = new Set((
    "BASE PREFIX SELECT CONSTRUCT DESCRIBE ASK WHERE FROM NAMED DISTINCT REDUCED AS GROUP BY " +
    "HAVING ORDER ASC DESC LIMIT OFFSET VALUES OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER " +
    "BIND UNDEF NOT EXISTS IN INSERT DELETE DATA LOAD CLEAR DROP CREATE ADD MOVE COPY TO INTO " +
    "WITH USING DEFAULT ALL"
  ).split(" "));
  const FUNCTIONS = new Set((
    "COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR STR LANG LANGMATCHES DATATYPE BOUND IRI " +
    "URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS " +
    "STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW " +
    "UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI " +
    "ISBLANK ISLITERAL ISNUMERIC REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE"
  ).split(" "));

  const PN_CHARS_BASE = "A-Za-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C-\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD";
  const PN_CHARS = PN_CHARS_BASE + "_0-9\\-\\u00B7\\u0300-\\u036F\\u203F-\\u2040";
  const PLX = "%[0-9A-Fa-f]{2}|\\\\[_~.\\-!$&'()*+,;=/?#@%]";
  const PREFIX_PART = `[${PN_CHARS_BASE}](?:[${PN_CHARS}.]*[${PN_CHARS}])?`;
  const LOCAL_PART = `(?:[${PN_CHARS}:]|${PLX})(?:(?:[${PN_CHARS}.:]|${PLX})*(?:[${PN_CHARS}:]|${PLX}))?`;

  // Order matters: the first rule that matches at the current position wins.
  const RULES = [
    ["space", /\s+/y],
    ["comment", /#[^\n\r]*/y],
    ["string", /"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|$)|'''(?:[^'\\]|\\[\s\S]|'(?!''))*(?:'''|$)/y],
    ["string", /"(?:[^"\\\n\r]|\\.)*"?|'(?:[^'\\\n\r]|\\.)*'?/y],
    ["iri", /<[^<>"{}|^`\\\u0000-\u0020]*>/y],
    ["variable", new RegExp(`[?$][${PN_CHARS}]+`, "uy")],
    ["langtag", /@[A-Za-z]+(?:-[A-Za-z0-9]+)*/y],
    ["bnode", new RegExp(`_:[${PN_CHARS}](?:[${PN_CHARS}.]*[${PN_CHARS}])?`, "uy")],
    ["pname", new RegExp(`(?:${PREFIX_PART})?:(?:${LOCAL_PART})?`, "uy")],
    ["number", /(?:\d+\.?\d*[eE][+-]?\d+|\.\d+[eE][+-]?\d+|\d*\.\d+|\d+)/y],
    ["word", /[A-Za-z_][A-Za-z0-9_]*/y],
    ["punct", /\^\^|&&|\|\||!=|<=|>=|[{}()[\].,;*+\-\/=<>!|^]/y],
  ];

  function tokenize(text) {
    const tokens = [];
    let pos = 0;
    const push = (type, value) => {
      const last = tokens[tokens.length - 1];
      if (last && last[0] === type && (type === "plain" || type === "space")) last[1] += value;
      else tokens.push([type, value]);
    };
    outer: while (pos < text.length) {
      for (const [type, re] of RULES) {
        re.lastIndex = pos;
        const m = re.exec(text);
        if (m && m[0].length > 0) {
          let kind = type;
          if (type === "word") {
            const upper = m[0].toUpperCase();
            if (m[0] === "a" || KEYWORDS.has(upper)) kind = "keyword";
            else if (FUNCTIONS.has(upper)) kind = "function";
            else if (upper === "TRUE" || upper === "FALSE") kind = "boolean";
            else kind = "plain";
          } else if (type === "punct") kind = "plain";
          push(kind, m[0]);
          pos += m[0].length;
          continue outer;
        }
      }
      push("plain", text[pos]);
      pos += 1;
    }
    return tokens;
  }

  // ---------------------------------------------------------------------------------------------
  // Small helpers
  // ---------------------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }

  const WELL_KNOWN_PREFIXES = {
    rdf: "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
    owl: "http://www.w3.org/2002/07/owl#",
    xsd: "http://www.w3.org/2001/XMLSchema#",
    skos: "http://www.w3.org/2004/02/skos/core#",
    foaf: "http://xmlns.com/foaf/0.1/",
    dcterms: "http://purl.org/dc/terms/",
    prov: "http://www.w3.org/ns/prov#",
    sh: "http://www.w3.org/ns/shacl#",
    tg: "https://w3id.org/tipgraph/ontology#",
  };
  const XSD = WELL_KNOWN_PREFIXES.xsd;
  const NUMERIC_TYPES = new Set(["integer", "decimal", "double", "float", "long", "int", "short",
    "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"].map((t) => XSD + t));

  // PREFIX declarations of a query (uncommented), to show IRIs compactly.
  function prefixesOf(query) {
    const map = new Map(Object.entries(WELL_KNOWN_PREFIXES).map(([p, ns]) => [ns, p]));
    const declared = /^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^<>\s]*)>/gim;
    let m;
    while ((m = declared.exec(query)) !== null) map.set(m[2], m[1] || "");
    // Longest namespace first, so the most specific prefix wins.
    return [...map.entries()].sort((a, b) => b[0].length - a[0].length);
  }

  function compact(iri, prefixes) {
    for (const [ns, prefix] of prefixes) {
      if (iri.startsWith(ns)) {
        const local = iri.slice(ns.length);
        if (/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(local) && !local.endsWith(".")) return `${prefix}:${local}`;
      }
    }
    return `<${iri}>`;
  }

  // ---------------------------------------------------------------------------------------------
  // The page
  // ---------------------------------------------------------------------------------------------

  function init() {
    const app = document.getElementById("query-app");
    if (!app) return;
    const endpoint = app.dataset.endpoint || "/sparql";
    const examplesUrl = app.dataset.examples || "/queries";
    const pageUrl = app.dataset.page || "/query";
    const citeUrl = app.dataset.cite || "/cite";
    const base = app.dataset.base || "https://w3id.org/tipgraph/";

    const form = document.getElementById("query-form");
    const textarea = document.getElementById("query");
    const code = document.getElementById("editor-code");
    const runButton = document.getElementById("run");
    const select = document.getElementById("example");
    const info = document.getElementById("example-info");
    const question = document.getElementById("example-question");
    const description = document.getElementById("example-description");
    const permalink = document.getElementById("permalink");
    const citeLink = document.getElementById("cite");
    const copyButton = document.getElementById("copy-link");
    const status = document.getElementById("status");
    const notice = document.getElementById("notice");
    const results = document.getElementById("results");
    const showLabels = document.getElementById("show-labels");
    const downloads = ["csv", "tsv", "json"].map((f) => [f, document.getElementById(`download-${f}`)]);

    // --- editor: a transparent textarea over a highlighted <pre><code> ---------------------------

    function highlight() {
      const fragment = document.createDocumentFragment();
      for (const [type, value] of tokenize(textarea.value)) {
        if (type === "plain" || type === "space") fragment.append(document.createTextNode(value));
        else fragment.append(el("span", { class: `tok-${type}`, text: value }));
      }
      // A trailing newline in a <pre> is not drawn; a space keeps the last line as tall as the textarea's.
      fragment.append(document.createTextNode("\n "));
      code.replaceChildren(fragment);
      syncScroll();
    }

    function syncScroll() {
      // CSSOM changes are allowed by the CSP (only style attributes in markup are not).
      code.style.transform = `translate(${-textarea.scrollLeft}px, ${-textarea.scrollTop}px)`;
    }

    let escapePressed = false;
    function insertText(text) {
      // execCommand keeps the browser's undo history; setRangeText is the fallback.
      textarea.focus();
      if (!document.execCommand || !document.execCommand("insertText", false, text)) {
        textarea.setRangeText(text, textarea.selectionStart, textarea.selectionEnd, "end");
        textarea.dispatchEvent(new Event("input"));
      }
    }

    function indent(outdent) {
      const value = textarea.value;
      const start = textarea.selectionStart;
      const end = textarea.selectionEnd;
      const multiLine = value.slice(start, end).includes("\n");
      if (!multiLine && !outdent) {
        insertText("  ");
        return;
      }
      const lineStart = value.lastIndexOf("\n", start - 1) + 1;
      const block = value.slice(lineStart, end);
      const changed = outdent ? block.replace(/^ {1,2}/gm, "") : block.replace(/^/gm, "  ");
      textarea.setSelectionRange(lineStart, end);
      insertText(changed);
      textarea.setSelectionRange(lineStart, lineStart + changed.length);
    }

    textarea.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      } else if (event.key === "Tab" && !escapePressed && !event.altKey && !event.ctrlKey && !event.metaKey) {
        event.preventDefault();
        indent(event.shiftKey);
      }
      escapePressed = event.key === "Escape";
    });
    textarea.addEventListener("input", () => {
      highlight();
      scheduleLinks();
    });
    textarea.addEventListener("scroll", syncScroll);

    // --- links for the current text: permalink and downloads ---------------------------------------

    function permalinkFor(query) {
      return `${pageUrl}?${new URLSearchParams({ query, run: "1" })}`;
    }

    function updateLinks() {
      const query = textarea.value;
      permalink.href = permalinkFor(query);
      if (citeLink) citeLink.href = `${citeUrl}?${new URLSearchParams({ query })}`;
      for (const [format, link] of downloads) {
        if (link) link.href = `${endpoint}?${new URLSearchParams({ query, format })}`;
      }
    }
    let linkTimer = null;
    function scheduleLinks() {
      clearTimeout(linkTimer);
      linkTimer = setTimeout(updateLinks, 200);
    }

    copyButton.addEventListener("click", async () => {
      updateLinks();
      const url = new URL(permalink.getAttribute("href"), window.location.href).href;
      let copied = false;
      try {
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(url);
          copied = true;
        }
      } catch (_) {
        copied = false;
      }
      if (!copied) {
        // Fallback: a selected, read-only field the user can copy from.
        const old = document.getElementById("copy-field");
        if (old) old.remove();
        const field = el("input", { id: "copy-field", type: "text", readonly: true, value: url, class: "copy-field", "aria-label": "Link to this query" });
        copyButton.after(field);
        field.select();
        try { copied = document.execCommand("copy"); } catch (_) { copied = false; }
        if (copied) field.remove();
      }
      copyButton.textContent = copied ? "Copied" : "Copy link";
      setTimeout(() => { copyButton.textContent = "Copy link"; }, 1500);
    });

    // --- example picker ------------------------------------------------------------------------

    let examples = [];

    function showExample(example) {
      if (!example) {
        info.hidden = true;
        return;
      }
      question.textContent = example.question || "";
      description.textContent = example.description || "";
      info.hidden = false;
    }

    select.addEventListener("change", () => {
      const example = examples.find((e) => e.id === select.value);
      showExample(example);
      if (!example) return;
      textarea.value = example.query;
      textarea.scrollTop = 0;
      textarea.scrollLeft = 0;
      highlight();
      updateLinks();
      clearResults();
    });

    async function loadExamples() {
      try {
        const response = await fetch(examplesUrl, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`${response.status}`);
        const data = await response.json();
        examples = Array.isArray(data.queries) ? data.queries : [];
      } catch (_) {
        examples = [];
      }
      for (const example of examples) {
        const number = /^(\d+)-/.exec(example.id || "");
        const title = example.title || example.id;
        select.append(el("option", { value: example.id, title: example.question || "", text: number ? `${number[1]} · ${title}` : title }));
      }
      select.disabled = examples.length === 0;
      const current = textarea.value.trim();
      const match = examples.find((e) => (e.query || "").trim() === current);
      if (match) {
        select.value = match.id;
        showExample(match);
      }
      app.dataset.examplesLoaded = String(examples.length);
    }

    // --- running a query -----------------------------------------------------------------------

    let generation = 0;
    let controller = null;

    function clearResults() {
      results.replaceChildren();
      status.textContent = "";
      status.className = "status";
      notice.hidden = true;
      notice.textContent = "";
    }

    function setStatus(text, kind) {
      status.textContent = text;
      status.className = `status${kind ? ` status-${kind}` : ""}`;
    }

    async function run() {
      const query = textarea.value;
      if (!query.trim()) {
        clearResults();
        setStatus("Type a query first.", "error");
        return;
      }
      generation += 1;
      const mine = generation;
      if (controller) controller.abort();
      controller = new AbortController();
      updateLinks();
      history.replaceState(null, "", permalinkFor(query));
      clearResults();
      setStatus("Running…", "busy");
      runButton.disabled = true;
      app.dataset.state = "running";
      app.dataset.labels = "pending";
      const started = performance.now();
      try {
        const response = await fetch(endpoint, {
          method: "POST",
          headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
          body: new URLSearchParams({ query }),
          signal: controller.signal,
        });
        const type = (response.headers.get("Content-Type") || "").split(";")[0].trim().toLowerCase();
        const body = await response.text();
        if (mine !== generation) return;
        const seconds = (performance.now() - started) / 1000;
        if (!response.ok) {
          showError(response.status, body);
          return;
        }
        const truncated = (response.headers.get("X-Result-Truncated") || "").toLowerCase() === "true";
        const limit = response.headers.get("X-Result-Limit");
        if (type === "application/sparql-results+json" || type === "application/json") {
          const data = JSON.parse(body);
          if (typeof data.boolean === "boolean") showBoolean(data.boolean, seconds);
          else showTable(data, query, seconds, mine);
        } else {
          showGraph(body, response.headers.get("X-Result-Rows"), seconds);
        }
        if (truncated) {
          notice.textContent = `Only the first ${limit ? `${limit} rows` : "rows up to the server's limit"} are shown: ` +
            "the full answer is longer. Narrow the query, or page through it with LIMIT and OFFSET.";
          notice.hidden = false;
        }
        app.dataset.state = "done";
      } catch (error) {
        if (error.name === "AbortError" || mine !== generation) return;
        showError(0, `The query could not be sent or its answer read: ${error.message}`);
      } finally {
        if (mine === generation) runButton.disabled = false;
      }
    }

    function showError(code, message) {
      app.dataset.labels = "none";
      const what = code === 400 ? "The query is not valid SPARQL or not allowed"
        : code === 503 ? "The server could not finish the query in time or is busy"
        : code ? `The server answered ${code}` : "The query failed";
      setStatus(`${what}.`, "error");
      results.replaceChildren(el("pre", { class: "error-message", text: (message || "").trim() || "(no message)" }));
      app.dataset.state = "error";
    }

    function timing(seconds) {
      return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(2)} s`;
    }

    function showBoolean(value, seconds) {
      setStatus(`ASK answered in ${timing(seconds)}.`, "ok");
      app.dataset.labels = "none";
      results.replaceChildren(el("p", { class: `boolean boolean-${value}`, text: value ? "true" : "false" }));
    }

    function showGraph(text, rows, seconds) {
      const count = rows !== null && rows !== "" ? `${rows} triple${rows === "1" ? "" : "s"}` : "Graph";
      setStatus(`${count} in ${timing(seconds)}.`, "ok");
      app.dataset.labels = "none";
      results.replaceChildren(el("pre", { class: "graph", text: text || "# (no triples)" }));
    }

    // --- the results table ---------------------------------------------------------------------

    function isWebIri(iri) {
      try {
        const url = new URL(iri);
        return url.protocol === "http:" || url.protocol === "https:";
      } catch (_) {
        return false;
      }
    }

    function localPath(iri) {
      if (!iri.startsWith(base)) return null;
      // https://w3id.org/tipgraph/practice/x -> /practice/x, never a link to another host.
      const rest = iri.slice(base.length).replace(/^[\/\\]+/, "");
      try {
        const url = new URL(`/${rest}`, window.location.origin);
        if (url.origin !== window.location.origin) return null;
        return url.pathname + url.search + url.hash;
      } catch (_) {
        return null;
      }
    }

    function iriCell(iri, prefixes) {
      const shown = compact(iri, prefixes);
      const children = [el("span", { class: "iri-text", text: shown }), el("span", { class: "label-text" })];
      const local = localPath(iri);
      let node;
      if (local !== null && isWebIri(iri)) {
        node = el("a", { class: "iri local", href: local, title: iri }, ...children);
      } else if (isWebIri(iri)) {
        node = el("a", { class: "iri external", href: iri, title: iri, rel: "noopener noreferrer", target: "_blank" }, ...children);
      } else {
        node = el("span", { class: "iri", title: iri }, ...children);
      }
      node.dataset.iri = iri;
      return node;
    }

    function literalCell(term, td, prefixes) {
      const parts = [el("span", { class: "literal", text: term.value })];
      const lang = term["xml:lang"];
      if (lang) parts.push(el("span", { class: "lang", text: `@${lang}` }));
      else if (term.datatype && NUMERIC_TYPES.has(term.datatype)) td.classList.add("numeric");
      else if (term.datatype && term.datatype !== XSD + "string") {
        parts.push(el("span", { class: "datatype", text: `^^${compact(term.datatype, prefixes)}`, title: term.datatype }));
      }
      return parts;
    }

    function termText(term) {
      if (!term) return "";
      if (term.type === "uri") return `<${term.value}>`;
      if (term.type === "bnode") return `_:${term.value}`;
      if (term.type === "triple") {
        const v = term.value || {};
        return `<< ${termText(v.subject)} ${termText(v.predicate)} ${termText(v.object)} >>`;
      }
      return JSON.stringify(String(term.value));
    }

    function showTable(data, query, seconds, mine) {
      const vars = (data.head && data.head.vars) || [];
      const bindings = (data.results && data.results.bindings) || [];
      const prefixes = prefixesOf(query);
      setStatus(`${bindings.length} row${bindings.length === 1 ? "" : "s"} in ${timing(seconds)}.`, "ok");
      if (vars.length === 0) {
        results.replaceChildren(el("p", { class: "empty", text: "The query selects no variables." }));
        return;
      }
      const table = el("table", { class: "results-table" });
      if (!showLabels.checked) table.classList.add("iris-only");
      const headRow = el("tr", {}, el("th", { class: "row-number", text: "#", scope: "col" }));
      for (const v of vars) headRow.append(el("th", { scope: "col", text: `?${v}` }));
      table.append(el("thead", {}, headRow));
      const tbody = el("tbody");
      const iris = new Set();
      bindings.forEach((binding, index) => {
        const tr = el("tr", {}, el("td", { class: "row-number", text: String(index + 1) }));
        for (const v of vars) {
          const term = binding[v];
          const td = el("td");
          if (!term) td.classList.add("unbound");
          else if (term.type === "uri") {
            td.append(iriCell(term.value, prefixes));
            if (iris.size < 500) iris.add(term.value);
          } else if (term.type === "literal" || term.type === "typed-literal") {
            td.append(...literalCell(term, td, prefixes));
          } else if (term.type === "bnode") {
            td.append(el("span", { class: "bnode", text: `_:${term.value}` }));
          } else {
            td.append(el("span", { class: "triple", text: termText(term) }));
          }
          tr.append(td);
        }
        tbody.append(tr);
      });
      table.append(tbody);
      const wrap = el("div", { class: "table-wrap" }, table);
      if (bindings.length === 0) wrap.append(el("p", { class: "empty", text: "No rows: nothing matches the query." }));
      results.replaceChildren(wrap);
      if (iris.size > 0) fetchLabels([...iris], mine, table);
      else app.dataset.labels = "none";
    }

    // --- labels for IRIs -----------------------------------------------------------------------

    // Only IRIs that are valid inside <...> go into the label query.
    const SAFE_IRI = /^[^<>"{}|^`\\\u0000-\u0020]+$/;
    const LABEL_BUDGET = 12000; // characters of VALUES per query, well below the server's cap

    function labelQuery(iris) {
      return "SELECT ?s ?label ?rank WHERE {\n" +
        `  VALUES ?s { ${iris.map((i) => `<${i}>`).join(" ")} }\n` +
        "  { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label BIND(1 AS ?rank) }\n" +
        "  UNION { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label BIND(2 AS ?rank) }\n" +
        "  UNION { ?s <http://xmlns.com/foaf/0.1/name> ?label BIND(3 AS ?rank) }\n" +
        "}";
    }

    function batches(iris) {
      const out = [];
      let current = [];
      let size = 0;
      for (const iri of iris) {
        if (current.length && size + iri.length + 3 > LABEL_BUDGET) {
          out.push(current);
          current = [];
          size = 0;
        }
        current.push(iri);
        size += iri.length + 3;
      }
      if (current.length) out.push(current);
      return out;
    }

    function better(candidate, existing) {
      if (!existing) return true;
      const langScore = (t) => (t.lang === "en" || (t.lang || "").startsWith("en-") ? 0 : t.lang ? 2 : 1);
      if (candidate.rank !== existing.rank) return candidate.rank < existing.rank;
      return langScore(candidate) < langScore(existing);
    }

    async function fetchLabels(iris, mine, table) {
      const labels = new Map();
      const wanted = iris.filter((i) => SAFE_IRI.test(i));
      for (const batch of batches(wanted)) {
        if (mine !== generation) return;
        try {
          const response = await fetch(endpoint, {
            method: "POST",
            headers: { Accept: "application/sparql-results+json" },
            body: new URLSearchParams({ query: labelQuery(batch) }),
          });
          if (!response.ok) break;
          const data = await response.json();
          for (const b of data.results.bindings) {
            if (!b.s || !b.label) continue;
            const candidate = { text: b.label.value, lang: b.label["xml:lang"] || "", rank: Number(b.rank ? b.rank.value : 9) };
            if (better(candidate, labels.get(b.s.value))) labels.set(b.s.value, candidate);
          }
        } catch (_) {
          break; // labels are a nicety: the table stays as it is
        }
      }
      if (mine !== generation) return;
      for (const node of table.querySelectorAll("[data-iri]")) {
        const label = labels.get(node.dataset.iri);
        if (!label) continue;
        node.querySelector(".label-text").textContent = label.text;
        node.classList.add("labelled");
      }
      table.dataset.labels = String(labels.size);
      app.dataset.labels = "done";
    }

    showLabels.addEventListener("change", () => {
      for (const table of results.querySelectorAll(".results-table")) {
        table.classList.toggle("iris-only", !showLabels.checked);
      }
    });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run();
    });

    highlight();
    updateLinks();
    loadExamples();
    if (app.dataset.run === "1") run();
    app.dataset.ready = "true";
  }

  window.tipgraphQuery = { tokenize, compact, prefixesOf };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
