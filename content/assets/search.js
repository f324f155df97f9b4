/*
  The glossary's search: MiniSearch (vendored beside this file) over assets/search-index.js,
  which the generator writes (generator/stages/search.py); a script rather than a fetch, so that
  the offline copy, opened from file://, searches too. It drives the search dialog of
  generator/theme/partials/search.html, styled by Material's own search classes.

  Rules, in the order they rank a result:
  1. a title, abbreviation or alias that equals the whole query (letters and digits only, so
     "ASL3", "asl 3", "ASL-3" and "asl-3" are one name) comes first, a term before a level of
     the same name;
  2. entries (terms, levels, thresholds, frameworks) rank above pages, chapters and references;
  3. words match exactly, by prefix (the word being typed) or within one or two edits
     (typos), exact matches weighing most.
  When nothing matches, "Did you mean" lists the titles and aliases nearest to the query.
  Data reaches the page only as text (textContent), never as markup.
*/
(function () {
  "use strict";

  var script = document.currentScript;
  var INDEX_URL = new URL("search-index.js", script.src);
  var SITE_ROOT = new URL("../", script.src);
  // Kinds in the index (generator/stages/search.py KINDS) and how much each weighs.
  var KIND_BOOST = { t: 3, l: 3, h: 2.5, f: 2.5, p: 1, c: 0.8, s: 0.6, r: 0.5 };
  var KINDS = "tlhfpcsr";
  var NEAR_ENOUGH = 0.5;  // "did you mean" offers names at most this share of their letters away
  var STOP_WORDS = new Set(["a", "an", "and", "the", "of", "in", "for", "to", "on", "or", "by", "with", "is"]);
  var MAX_RESULTS = 50;
  var SUGGESTIONS = 3;

  /** Lower case, accents off, letters and digits only: how names compare ("ASL-3" == "asl 3"). */
  function squash(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  /** Words of a text, plus each letters-then-digits pair joined and each joined word split. */
  function tokenize(text) {
    var words = text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().split(/[^\p{L}\p{N}]+/u)
      .filter(Boolean);
    var out = [];
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      out.push(w);
      var parts = w.match(/^(\p{L}+)(\p{N}+)$/u);
      if (parts) out.push(parts[1], parts[2]);
      if (/^\p{L}+$/u.test(w) && i + 1 < words.length && /^\p{N}+$/u.test(words[i + 1])) out.push(w + words[i + 1]);
    }
    return out;
  }

  /** A word as indexed: stop words dropped, a plural's final s (or ies) taken off. */
  function processTerm(word) {
    if (STOP_WORDS.has(word)) return null;
    if (word.length > 4 && /ies$/.test(word)) return word.slice(0, -3) + "y";
    if (word.length > 3 && /[^su]s$/.test(word) && !/[^\p{L}]/u.test(word)) return word.slice(0, -1);
    return word;
  }

  /** Edits allowed for a query word: none up to 3 letters, one up to 7, two from 8. */
  function fuzziness(word) {
    if (/\p{N}/u.test(word) || word.length <= 3) return 0;
    return word.length <= 7 ? 1 : 2;
  }

  /** Levenshtein distance, for "did you mean". */
  function distance(a, b) {
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      for (j = 1; j <= b.length; j++)
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
    return prev[b.length];
  }

  var state = { docs: null, engine: null, names: [], loading: null };

  /** Load the index script once; it sets window.glossarySearchIndex. */
  function fetchIndex() {
    if (!state.loading)
      state.loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = INDEX_URL.href;
        tag.onload = function () {
          var body = window.glossarySearchIndex;
          if (!body || !Array.isArray(body.docs)) return reject(new Error("the search index is malformed"));
          state.docs = body.docs;
          resolve(body);
        };
        tag.onerror = function () { reject(new Error("the search index did not load")); };
        document.head.appendChild(tag);
      });
    return state.loading;
  }

  /** A page's address from its source path: "terms/x.md#a" is "terms/x/#a" on a server and
      "terms/x.html#a" in the offline copy (plain .html files, opened from file://). */
  function pageUrl(path) {
    var m = path.match(/^(.*)\.md(#.*)?$/), base = m[1], hash = m[2] || "";
    if (location.protocol === "file:") return base + ".html" + hash;
    base = base === "index" ? "" : base.replace(/(^|\/)index$/, "$1");
    return (base && !/\/$/.test(base) ? base + "/" : base) + hash;
  }

  /** The MiniSearch index, built once from the fetched documents, in chunks that leave the page
      responsive (as Material builds its own index in a worker on every page load). */
  function engine() {
    if (!state.engine) state.engine = fetchIndex().then(function () {
      var ms = new MiniSearch({
        idField: "id",
        fields: ["title", "names", "context", "text"],
        storeFields: [],
        tokenize: tokenize,
        processTerm: processTerm,
        extractField: function (doc, field) {
          var d = state.docs[doc.id];
          switch (field) {
            case "id": return doc.id;
            case "title": return d[2];
            case "names": return [d[3]].concat(d[4]).join(" \u2022 ");
            case "context": return d[5];
            default: return d[6];
          }
        },
        searchOptions: {
          boost: { title: 4, names: 3, context: 1, text: 0.7 },
          fuzzy: function (term) { return fuzziness(term); },
          prefix: function (term, i, terms) { return i === terms.length - 1 && term.length >= 2; },
          weights: { fuzzy: 0.3, prefix: 0.6 },
          boostDocument: function (id) { return KIND_BOOST[state.docs[id][0]] || 1; }
        }
      });
      state.names = [];
      state.docs.forEach(function (d, id) {
        [d[2], d[3]].concat(d[4]).filter(Boolean).forEach(function (name) { state.names.push({ key: squash(name), name: name, id: id }); });
      });
      return ms.addAllAsync(state.docs.map(function (_, id) { return { id: id }; }), { chunkSize: 500 })
        .then(function () { return ms; });
    });
    return state.engine;
  }

  /** Ranked document ids for a query (rules 1 to 3 above); exact names rank by kind, terms first. */
  function search(ms, query) {
    var key = squash(query);
    if (!key) return [];
    var exact = new Set(state.names.filter(function (n) { return n.key === key; }).map(function (n) { return n.id; }));
    function rank(hit) { return exact.has(hit.id) ? KINDS.indexOf(state.docs[hit.id][0]) : KINDS.length; }
    return ms.search(query).map(function (r) { return { id: r.id, score: r.score, rank: rank(r) }; })
      .sort(function (a, b) { return a.rank - b.rank || b.score - a.score || a.id - b.id; })
      .slice(0, MAX_RESULTS);
  }

  /** The titles and aliases nearest to the query, for "did you mean". */
  function suggestions(query) {
    var key = squash(query), seen = new Set();
    return state.names.map(function (n) { return { n: n, d: distance(key, n.key) / Math.max(key.length, n.key.length, 1) }; })
      .sort(function (a, b) { return a.d - b.d || a.n.name.localeCompare(b.n.name); })
      .filter(function (x) { if (seen.has(x.n.id)) return false; seen.add(x.n.id); return true; })
      .filter(function (x) { return x.d <= NEAR_ENOUGH; })
      .slice(0, SUGGESTIONS).map(function (x) { return x.n; });
  }

  // --- the dialog ---------------------------------------------------------------------------

  var toggle = document.getElementById("__search");
  var input = document.querySelector("[data-gl-search-input]");
  var meta = document.querySelector("[data-gl-search-meta]");
  var list = document.querySelector("[data-gl-search-list]");
  if (!input || !meta || !list) return;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function href(doc) { return new URL(pageUrl(doc[1]), SITE_ROOT).href; }

  function kindLabel(doc) {
    var kinds = { t: "Term", l: "Level", h: "Threshold", f: "Framework", p: "Page", c: "Chapter", s: "Section", r: "Reference" };
    return kinds[doc[0]] + (doc[5] ? " \u00b7 " + doc[5] : "");
  }

  function renderItem(doc, score) {
    var li = el("li", "md-search-result__item");
    var a = el("a", "md-search-result__link");
    a.href = href(doc);
    a.setAttribute("data-gl-kind", doc[0]);
    var article = el("article", "md-search-result__article md-typeset");
    article.setAttribute("data-md-score", String(score));
    var title = el("h1", null, doc[2] + (doc[3] ? " (" + doc[3] + ")" : ""));
    article.append(title, el("p", "gl-search-kind", kindLabel(doc)));
    if (doc[6]) article.append(el("p", null, doc[6]));
    a.append(article);
    li.append(a);
    return li;
  }

  function showSuggestions(query) {
    meta.textContent = "No matching entries. ";
    var near = suggestions(query);
    if (!near.length) return meta.append("Try fewer or other words.");
    meta.append("Did you mean ");
    near.forEach(function (n, i) {
      var a = el("a", "gl-search-suggestion", n.name);
      a.href = href(state.docs[n.id]);
      meta.append(a, i < near.length - 1 ? ", " : "?");
    });
  }

  var pending = 0;
  function update() {
    var query = input.value.trim(), ticket = ++pending;
    if (!query) {
      list.textContent = "";
      meta.textContent = "Type to start searching";
      return;
    }
    engine().then(function (ms) {
      if (ticket !== pending) return;
      var hits = search(ms, query);
      list.textContent = "";
      if (!hits.length) showSuggestions(query);
      else {
        meta.textContent = hits.length === 1 ? "1 matching entry" : hits.length + (hits.length === MAX_RESULTS ? "+" : "") + " matching entries";
        hits.forEach(function (h) { list.append(renderItem(state.docs[h.id], h.score)); });
      }
      meta.dataset.query = query;  // what the shown results answer (for tests and the benchmark)
    }).catch(function (err) {
      meta.textContent = "Search is unavailable: " + err.message;
    });
  }

  /** Open or close the dialog through Material's toggle, telling its listeners (scroll lock on phones). */
  function setOpen(on) {
    if (!toggle || toggle.checked === on) return;
    toggle.checked = on;
    toggle.dispatchEvent(new Event("change"));
  }
  function open() { setOpen(true); engine(); }
  function close() { setOpen(false); input.blur(); }

  input.addEventListener("input", update);
  input.addEventListener("focus", open);
  input.form.addEventListener("submit", function (e) { e.preventDefault(); });
  input.form.addEventListener("reset", function () { setTimeout(function () { update(); input.focus(); }); });
  list.addEventListener("click", function (e) { if (e.target.closest("a")) close(); });
  meta.addEventListener("click", function (e) { if (e.target.closest("a")) close(); });
  // The header's magnifier opens the dialog; focusing the field here brings up a phone's keyboard.
  // Its other labels (the overlay, the back arrow) close it.
  document.querySelectorAll("label[for='__search']").forEach(function (label) {
    label.addEventListener("click", function (e) {
      if (toggle && toggle.checked) { input.blur(); return; }
      e.preventDefault();
      open();
      input.focus();
    });
  });

  function links() { return Array.prototype.slice.call(document.querySelectorAll("[data-gl-search-meta] a, [data-gl-search-list] a")); }

  document.addEventListener("keydown", function (e) {
    var inDialog = toggle && toggle.checked;
    var typing = /^(INPUT|TEXTAREA|SELECT)$/.test((document.activeElement || {}).tagName || "") || (document.activeElement || {}).isContentEditable;
    if (!inDialog) {
      if (!typing && !e.ctrlKey && !e.metaKey && !e.altKey && (e.key === "/" || e.key === "s" || e.key === "f")) {
        e.preventDefault();
        input.focus();
        input.select();
      }
      return;
    }
    var all = links(), at = all.indexOf(document.activeElement);
    if (e.key === "Escape") { e.preventDefault(); close(); }
    else if (e.key === "Enter" && document.activeElement === input) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) { close(); first.click(); }
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!all.length) return;
      e.preventDefault();
      var next = e.key === "ArrowDown" ? at + 1 : (at < 0 ? all.length - 1 : at - 1);
      if (next < 0 || next >= all.length) input.focus(); else all[next].focus();
    }
  });

  // Deep links: ?q=... opens the dialog with that query.
  var q = new URL(location.href).searchParams.get("q");
  if (q) { input.value = q; open(); input.focus(); update(); }
  else engine().catch(function () {});  // a failed fetch is reported when the reader searches
})();
