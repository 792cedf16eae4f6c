/* corpuskit report: renders the JSON block of this file. Document text is untrusted, so every
   string reaches the DOM through textContent, createTextNode or a property (title, id, href built
   from a checked anchor); nothing is parsed as HTML. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var docs = DATA.docs, rules = DATA.rules, PAGE = 25, SAFE = /^[A-Za-z0-9._-]+$/;
  var byId = new Map(), byAnchor = new Map();
  docs.forEach(function (d) { if (!byId.has(d.id)) byId.set(d.id, d); byAnchor.set(d.a, d); });
  var state = { q: "", rule: "", stage: "", lang: "", reason: "", sort: "share", mode: "inline" };
  var current = [], shown = 0;

  function $(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function fmt(n) { return n === null || n === undefined ? "\u2013" : Number(n).toLocaleString("en-US"); }
  function pct(x) { return (100 * x).toFixed(1) + "%"; }
  function colour(i) { return "c" + (i % 12); }
  function link(anchor, text) {
    var a = el("a", null, text);
    if (SAFE.test(anchor)) a.href = "#" + anchor;
    return a;
  }
  function docLink(id) { var d = byId.get(id); return d ? link(d.a, id) : el("span", null, id + " (not in this report)"); }
  function row(table, cells, head) {
    var tr = el("tr");
    cells.forEach(function (c) {
      var td = el(head ? "th" : "td");
      if (c instanceof Node) td.appendChild(c);
      else if (typeof c === "string") td.textContent = c;
      else { td.textContent = fmt(c); td.className = "num"; }
      tr.appendChild(td);
    });
    table.appendChild(tr);
  }

  /* ---- search highlighting: text is split into text nodes and <mark>s, never into HTML ---- */
  function addText(parent, text) {
    var q = state.q, lower = q ? text.toLowerCase() : "";
    if (!q || lower.length !== text.length) { parent.appendChild(document.createTextNode(text)); return; }
    var pos = 0, hit;
    while ((hit = lower.indexOf(q, pos)) >= 0) {
      if (hit > pos) parent.appendChild(document.createTextNode(text.slice(pos, hit)));
      parent.appendChild(el("mark", null, text.slice(hit, hit + q.length)));
      pos = hit + q.length;
    }
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }
  function hay(d) {
    if (d._hay === undefined) {
      var parts = [d.id, d.src];
      if (d.seg) d.seg.forEach(function (g) { parts.push(g[1]); });
      d._hay = parts.join("\n").toLowerCase();
    }
    return d._hay;
  }

  /* ---- header and summary ---- */
  function header() {
    var m = DATA.meta, s = DATA.sampling;
    document.title = "corpuskit report: " + m.out;
    $("out-name").textContent = m.out;
    $("run-line").textContent = "corpuskit " + (m.version || "?") + " \u00b7 config sha256 " +
      (m.config_sha256 || "not recorded") + " \u00b7 report generated " + m.generated;
    $("config-toml").textContent = m.config_toml || "(manifest.json records no config)";
    var note = s.docs_with_text === s.docs_total
      ? "All " + fmt(s.docs_total) + " documents are included with their text (" + fmt(s.text_bytes) + " bytes)."
      : "Sampled: the text of " + fmt(s.docs_with_text) + " of " + fmt(s.docs_total) + " documents is included, to keep this file under " +
        fmt(s.budget_bytes) + " bytes; " + fmt(s.docs_listed) + " are listed. Chosen first: the documents that lost the largest share, up to " +
        s.per_group + " per rule, per rejection reason and per near-duplicate cluster, then a uniform sample by hash of id. " +
        "Summary counts cover every document. Use `corpuskit diff OUT DOC_ID` for any document, or `corpuskit report OUT --max-mb N`.";
    $("sampling").textContent = note;
    if (DATA.problems.length) {
      var ul = $("problems");
      ul.hidden = false;
      ul.appendChild(el("li", null, "The output files disagree with themselves; the report shows what the files hold:"));
      DATA.problems.forEach(function (p) { ul.appendChild(el("li", null, p)); });
    }
  }
  function summary() {
    var c = DATA.counts, t = $("counts");
    [["documents in", c.documents_in], ["kept", c.kept], ["rejected", c.rejected], ["unreadable", c.unreadable],
     ["characters in", c.chars_in], ["characters out", c.chars_out], ["characters removed", c.chars_removed],
     ["removed spans", c.spans_removed]].forEach(function (r) { if (r[1] !== undefined) row(t, [r[0], r[1]]); });
    var rt = $("reasons");
    row(rt, ["reason", "stage", "documents", "switch off"], true);
    DATA.reasons.forEach(function (r) {
      var b = el("button", "link", r.reason);
      b.type = "button";
      b.addEventListener("click", function () { setFilter("f-reason", "r:" + r.reason); });
      var sn = el("details"); sn.appendChild(el("summary", null, "snippet")); sn.appendChild(el("pre", null, r.snippet));
      row(rt, [b, r.stage, r.count, sn]);
    });
    if (!DATA.reasons.length) row(rt, ["none"]);
    var st = $("stages");
    row(st, ["stage", "chars removed", "rejected", "seconds"], true);
    DATA.stages.forEach(function (s) { row(st, [s.name, s.chars_removed, s.rejected, s.seconds === null ? null : Number(s.seconds).toFixed(2)]); });
    var rl = $("rules"), most = rules.length ? rules[0].chars : 1;
    row(rl, ["rule", "characters removed", "spans", "documents", "switch it off in corpuskit.toml"], true);
    rules.forEach(function (r, i) {
      var name = el("span"), sw = el("span", "swatch " + colour(i)), b = el("button", "link", r.key);
      b.type = "button";
      b.title = "list the documents with " + r.key + " removals";
      b.addEventListener("click", function () { setFilter("f-rule", String(i)); });
      name.appendChild(sw); name.appendChild(b);
      var chars = el("span");
      var bar = el("span", "bar " + colour(i));
      bar.style.width = Math.max(1, Math.round(120 * r.chars / Math.max(1, most))) + "px";
      chars.appendChild(bar); chars.appendChild(document.createTextNode(" " + fmt(r.chars)));
      name.className = chars.className = "nowrap";
      row(rl, [name, chars, r.spans, r.docs, el("pre", null, r.snippet)]);
    });
    if (!rules.length) row(rl, ["no text was removed"]);
    var top = $("top");
    DATA.top.forEach(function (id) {
      var d = byId.get(id), li = el("li");
      if (!d) return;
      li.appendChild(link(d.a, id));
      li.appendChild(document.createTextNode(" \u2014 " + pct(d.sh) + " removed (" + fmt(d.rm) + " of " + fmt(d.n) +
        " chars) by " + d.rules.map(function (i) { return rules[i].key; }).join(", ")));
      top.appendChild(li);
    });
    if (!DATA.top.length) top.appendChild(el("li", null, "no kept document lost any text"));
  }

  /* ---- filters ---- */
  function options(id, items) {
    var s = $(id);
    items.forEach(function (it) { var o = el("option", null, it[1]); o.value = it[0]; s.appendChild(o); });
  }
  function controls() {
    options("f-rule", [["", "any"]].concat(rules.map(function (r, i) { return [String(i), r.key + " (" + r.docs + ")"]; })));
    var stages = new Set();
    docs.forEach(function (d) { d.stages.forEach(function (s) { stages.add(s); }); });
    options("f-stage", [["", "any"]].concat(Array.from(stages).sort().map(function (s) { return [s, s]; })));
    options("f-lang", [["", "any"]].concat(DATA.languages.map(function (l) { return [l[0], l[0] + " (" + l[1] + ")"]; })));
    options("f-reason", [["", "any"], ["kept", "kept only"], ["rejected", "rejected (any reason)"]].concat(
      DATA.reasons.map(function (r) { return ["r:" + r.reason, r.reason + " (" + r.count + ")"]; })));
    var timer = null;
    $("q").addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { state.q = $("q").value.trim().toLowerCase(); update(); }, 150);
    });
    [["f-rule", "rule"], ["f-stage", "stage"], ["f-lang", "lang"], ["f-reason", "reason"], ["f-sort", "sort"]].forEach(function (p) {
      $(p[0]).addEventListener("change", function () { state[p[1]] = $(p[0]).value; update(); });
    });
    document.querySelectorAll("input[name=mode]").forEach(function (r) {
      r.addEventListener("change", function () { state.mode = r.value; rerender(); });
    });
    $("controls").addEventListener("submit", function (e) { e.preventDefault(); });
    $("more").addEventListener("click", renderMore);
    if ("IntersectionObserver" in window) {  // render the next page before the reader reaches the end
      new IntersectionObserver(function (es) { if (es[0].isIntersecting) renderMore(); },
        { rootMargin: "0px 0px 800px 0px" }).observe($("sentinel"));
    }
  }
  function setFilter(id, value) {
    $(id).value = value;
    $(id).dispatchEvent(new Event("change"));
    $("documents").scrollIntoView();
  }
  function matches(d) {
    if (state.rule !== "" && d.rules.indexOf(Number(state.rule)) < 0) return false;
    if (state.stage && d.stages.indexOf(state.stage) < 0) return false;
    if (state.lang && (d.lang || "(none)") !== state.lang) return false;
    if (state.reason === "kept" && d.rej) return false;
    if (state.reason === "rejected" && !d.rej) return false;
    if (state.reason.indexOf("r:") === 0 && (!d.rej || d.rej.reason !== state.reason.slice(2))) return false;
    return !state.q || hay(d).indexOf(state.q) >= 0;
  }
  var SORTS = {
    share: function (a, b) { return b.sh - a.sh || a.ord - b.ord; },
    chars: function (a, b) { return b.rm - a.rm || a.ord - b.ord; },
    order: function (a, b) { return a.ord - b.ord; }
  };
  function update() {
    current = docs.filter(matches).sort(SORTS[state.sort]);
    var withText = current.filter(function (d) { return d.seg; }).length;
    $("match-count").textContent = fmt(current.length) + " of " + fmt(docs.length) + " documents match" +
      (withText < current.length ? " (" + fmt(current.length - withText) + " without text in this report)" : "") + ".";
    $("linked").textContent = "";
    draw(PAGE);
  }
  function draw(n) {
    $("doc-list").textContent = "";
    shown = 0;
    renderUpTo(Math.min(n, current.length));
  }
  function renderUpTo(end) {
    while (shown < end) $("doc-list").appendChild(card(current[shown++]));
    $("more").hidden = shown >= current.length;
  }
  function renderMore() {
    renderUpTo(Math.min(current.length, shown + PAGE));
    // the observer fires on changes only: if the new cards did not push the sentinel away, go on
    var r = $("sentinel").getBoundingClientRect();
    if (shown < current.length && r.top >= 0 && r.top < window.innerHeight + 800) requestAnimationFrame(renderMore);
  }
  function rerender() {
    var linked = $("linked").firstChild, d = linked ? byAnchor.get(linked.id) : null;
    $("linked").textContent = "";
    draw(Math.max(shown, PAGE));
    if (d) showLinked(d);
  }

  /* ---- one document ---- */
  function card(d, linked) {
    var box = el("article", "doc" + (d.rej ? " rejected" : "") + (linked ? " linked" : ""));
    if (linked || !document.getElementById(d.a)) box.id = d.a;
    var head = el("div", "doc-head");
    var idl = link(d.a, d.id); idl.className = "doc-id"; head.appendChild(idl);
    if (d.rej) {
      var r = d.rej, b = el("span", "badge bad", "rejected by " + r.stage + ": " + r.reason +
        (r.value !== null && r.value !== undefined ? " (value " + r.value + ")" : "") +
        (r.sim !== null && r.sim !== undefined ? " \u00b7 similarity " + r.sim : ""));
      head.appendChild(b);
      if (r.detail) head.appendChild(el("span", "badge", r.detail));
      if (r.dup) { var dl = el("span", "badge", "copy of "); dl.appendChild(docLink(r.dup)); head.appendChild(dl); }
    } else head.appendChild(el("span", "badge", "kept"));
    if (d.lang) head.appendChild(el("span", "badge", "language " + d.lang));
    head.appendChild(el("span", "badge", fmt(d.rm) + " of " + fmt(d.n) + " chars removed (" + pct(d.sh) + ")"));
    d.rules.forEach(function (i) { head.appendChild(el("span", "tag " + colour(i), rules[i].key)); });
    box.appendChild(head);
    var info = [d.src, d.meta.title, d.meta.url].filter(function (x) { return x; }).join(" \u00b7 ");
    if (info) box.appendChild(el("div", "note", info));
    d.problems.forEach(function (p) { box.appendChild(el("div", "problems", p)); });
    if (!d.seg) {
      box.appendChild(el("p", "note", "Text not included in this report (sampling). `corpuskit diff OUT " + d.id + "` shows it."));
      return box;
    }
    var body = el("div", "text");
    if (state.mode === "clean") renderClean(d, body);
    else if (state.mode === "side") renderSide(d, body);
    else renderInline(d, body);
    box.appendChild(body);
    box.appendChild(el("div", "keep-help note", d.rm ? "Click a removed span for the corpuskit.toml lines that keep it." : ""));
    return box;
  }
  /* A removed span is one <del> (struck through, coloured by rule, rule name on hover) followed by
     the rule name as text; a blank line removed with the span before it does not repeat the name. */
  function removed(parent, d, g, prev) {
    var r = rules[g[0]], t = g[1], nl = t.charAt(t.length - 1) === "\n";
    var quiet = !t.trim() && prev && prev[0] === g[0];
    var del = el("del", "rm " + colour(g[0]));
    del.title = "removed by " + r.key;
    del.tabIndex = 0;
    addText(del, nl ? t.slice(0, -1) : t);
    del._span = { doc: d, seg: g };
    parent.appendChild(del);
    if (!quiet) parent.appendChild(el("span", "tag " + colour(g[0]), "[" + r.key + "]"));
    return nl;
  }
  function renderInline(d, box) {
    d.seg.forEach(function (g, i) {
      if (g[0] < 0) addText(box, g[1]);
      else if (removed(box, d, g, d.seg[i - 1])) box.appendChild(document.createTextNode("\n"));
    });
  }
  function renderClean(d, box) {
    addText(box, d.seg.filter(function (g) { return g[0] < 0; }).map(function (g) { return g[1]; }).join(""));
  }
  function renderSide(d, box) {
    box.className = "text side";
    box.appendChild(el("div", "cell hdr", "Base text (removed spans struck through)"));
    box.appendChild(el("div", "cell hdr", "Kept text"));
    var left = el("div", "cell"), right = el("div", "cell");
    function flush() {
      if (right.childNodes.length) right.className = "cell kept-cell";
      box.appendChild(left); box.appendChild(right);
      left = el("div", "cell"); right = el("div", "cell");
    }
    d.seg.forEach(function (g, i) {
      if (g[0] >= 0) { if (removed(left, d, g, d.seg[i - 1])) flush(); return; }
      g[1].split("\n").forEach(function (part, i) {
        if (i > 0) flush();
        if (part) { addText(left, part); addText(right, part); }
      });
    });
    flush();
  }
  function regexEscape(s) { return s.replace(/[.^$*+?()[\]{}|\\#&~-]/g, "\\$&"); }
  function tomlString(s) { return /['\u0000-\u001f\u007f]/.test(s) ? JSON.stringify(s) : "'" + s + "'"; }
  function keepHelp(target) {
    var d = target._span.doc, g = target._span.seg, r = rules[g[0]], help = target.closest(".doc").querySelector(".keep-help");
    help.textContent = "";
    help.appendChild(el("div", null, "Removed by " + r.key + " (" + g[1].length + " chars at offset " + g[2] + " of " + d.id + ")."));
    var keep = DATA.keep_stages[r.stage];
    if (keep) {
      var lines = g[1].split("\n").filter(function (l) { return l.trim(); }).slice(0, 5);
      var pats = keep.map(tomlString).concat(lines.map(function (l) { return tomlString("^" + regexEscape(l) + "$"); }));
      help.appendChild(el("div", null, "Keep this line (add a keep pattern):"));
      help.appendChild(el("pre", null, "[" + r.stage + "]\nkeep_patterns = [" + pats.join(", ") + "]"));
    }
    help.appendChild(el("div", null, "Or switch the rule off:"));
    help.appendChild(el("pre", null, r.snippet));
  }
  document.addEventListener("click", function (e) { var t = e.target.closest && e.target.closest("del.rm"); if (t && t._span) keepHelp(t); });
  document.addEventListener("keydown", function (e) { if (e.key === "Enter" && e.target._span) keepHelp(e.target); });

  /* ---- linked document (#doc-...) and clusters ---- */
  function showLinked(d) {
    var old = document.getElementById(d.a);
    if (old && old.parentNode === $("doc-list")) old.removeAttribute("id");
    $("linked").textContent = "";
    $("linked").appendChild(card(d, true));
  }
  function onHash() {
    var a = location.hash.slice(1), d = SAFE.test(a) ? byAnchor.get(a) : null;
    if (!d) return;
    var target = document.getElementById(a);
    if (!target || target.parentNode !== $("linked")) showLinked(d);
    document.getElementById(a).scrollIntoView();
  }
  function keptText(d) {
    return d.seg ? d.seg.filter(function (g) { return g[0] < 0; }).map(function (g) { return g[1]; }).join("") : null;
  }
  function clusters() {
    var list = $("cluster-list");
    if (!DATA.clusters.length) list.appendChild(el("p", "note", "No near-duplicates were dropped."));
    if (DATA.clusters_total > DATA.clusters.length)
      list.appendChild(el("p", "note", "The " + fmt(DATA.clusters.length) + " largest of " + fmt(DATA.clusters_total) + " clusters are listed."));
    DATA.clusters.forEach(function (c) {
      var box = el("details", "cluster"), sum = el("summary");
      sum.appendChild(el("span", null, "kept " + c.keeper + " \u00b7 " + c.members.length + " dropped cop" + (c.members.length === 1 ? "y" : "ies") +
        " \u00b7 similarity " + c.members.map(function (m) { return m[1] === null ? "?" : m[1]; }).join(", ")));
      box.appendChild(sum);
      box.addEventListener("toggle", function () {
        if (!box.open || box._done) return;
        box._done = true;
        var keeper = byId.get(c.keeper);
        c.members.forEach(function (m) {
          var copy = byId.get(m[0]), pair = el("div", "pair");
          [[keeper, c.keeper, "kept"], [copy, m[0], "dropped, similarity " + (m[1] === null ? "?" : m[1])]].forEach(function (x) {
            var col = el("div"), h = el("div", "doc-head");
            h.appendChild(docLink(x[1])); h.appendChild(el("span", "badge", x[2]));
            col.appendChild(h);
            var t = x[0] ? keptText(x[0]) : null;
            col.appendChild(el("div", "text", t === null ? "(text not in this report)" : t));
            pair.appendChild(col);
          });
          box.appendChild(pair);
        });
      });
      list.appendChild(box);
    });
  }

  header();
  summary();
  controls();
  clusters();
  update();
  window.addEventListener("hashchange", onHash);
  onHash();
})();
