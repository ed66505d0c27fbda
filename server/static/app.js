// attune search page: plain JS against this server's own API; no third-party requests.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  var state = { filters: {}, active: -1, suggestTimer: null, lastSuggest: "" };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Snippets arrive HTML-escaped with <mark> around matches; keep only the marks.
  function snippet(html) {
    var p = el("p", { "class": "snippet" });
    html.split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var t = document.createElement("textarea");
      t.innerHTML = part;
      p.appendChild(inMark ? el("mark", {}, t.value) : document.createTextNode(t.value));
      return inMark;
    }, false);
    return p;
  }

  function showCrisis(crisis) {
    var box = document.getElementById("crisis");
    box.innerHTML = "";
    if (!crisis) { box.hidden = true; return; }
    box.appendChild(el("h2", {}, "You don't have to go through this alone"));
    box.appendChild(el("p", {}, crisis.message));
    var ul = el("ul");
    crisis.resources.forEach(function (r) {
      var li = el("li");
      li.appendChild(el("strong", {}, r.name + ": "));
      li.appendChild(document.createTextNode(r.contact));
      ul.appendChild(li);
    });
    box.appendChild(ul);
    box.hidden = false;
  }

  function renderArticles(items) {
    var ol = document.getElementById("articles");
    ol.innerHTML = "";
    document.getElementById("articles-heading").hidden = items.length === 0;
    items.forEach(function (a) {
      var li = el("li");
      var h = el("h3");
      h.appendChild(el("a", { href: a.url, rel: "noreferrer" }, a.title));
      li.appendChild(h);
      li.appendChild(el("p", { "class": "meta" }, a.kind + " · updated " + a.updated));
      li.appendChild(snippet(a.snippet || a.summary));
      if (a.why.length) li.appendChild(el("p", { "class": "why" }, "Why: " + a.why.slice(0, 2).join("; ")));
      li.appendChild(whoWorksWithThis(a.id));
      ol.appendChild(li);
    });
  }

  // Recommendations loaded when asked for, like the lists under a practice's Learn page:
  // clinicians who work with an article, related articles, a clinician's articles.
  function relatedList(label, path, key, empty) {
    var wrap = el("div", { "class": "related" });
    var button = el("button", { type: "button", "class": "link", "aria-expanded": "false" }, label);
    var list = el("ul", { hidden: "" });
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", String(!open));
      list.hidden = open;
      if (open || list.childElementCount) return;
      fetch(path + "?limit=4", { credentials: "omit" })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (d) {
          var items = d[key] || [];
          items.forEach(function (c) {
            var li = el("li");
            li.appendChild(el("a", { href: c.url, rel: "noreferrer" }, c.label));
            li.appendChild(document.createTextNode(" — " + c.why.join("; ")));
            list.appendChild(li);
          });
          if (!items.length) list.appendChild(el("li", {}, empty));
        });
    });
    wrap.appendChild(button);
    wrap.appendChild(list);
    return wrap;
  }

  function whoWorksWithThis(id) {
    var box = el("div");
    var base = "/api/articles/" + encodeURIComponent(id);
    box.appendChild(relatedList("Clinicians who work with this", base + "/clinicians", "clinicians", "No clinician lists this yet."));
    box.appendChild(relatedList("Related articles", base + "/related", "related", "No related articles yet."));
    return box;
  }

  function renderClinicians(items) {
    var ol = document.getElementById("clinicians");
    ol.innerHTML = "";
    document.getElementById("clinicians-heading").hidden = items.length === 0;
    items.forEach(function (c) {
      var li = el("li");
      var h = el("h3");
      h.appendChild(el("a", { href: c.url, rel: "noreferrer" }, c.name));
      if (c.credentials) h.appendChild(document.createTextNode(", " + c.credentials));
      li.appendChild(h);
      var place = c.location.city ? c.location.city + ", " + c.location.region : c.location.country;
      li.appendChild(el("p", { "class": "meta" }, [place, c.formats.join(" and "), c.languages.join(", "),
        c.accepting_new_clients ? "accepting new clients" : "not accepting new clients"].join(" · ")));
      li.appendChild(snippet(c.snippet));
      if (c.why.length) li.appendChild(el("p", { "class": "why" }, "Why: " + c.why.slice(0, 3).join("; ")));
      li.appendChild(relatedList("Articles by and for " + c.name, "/api/clinicians/" + encodeURIComponent(c.id) + "/articles",
                                 "articles", "No articles yet."));
      ol.appendChild(li);
    });
  }

  var facetNames = { language: "Language", population: "Works with", format: "Format", accepting: "Availability" };
  function renderFacets(facets) {
    var aside = document.getElementById("facets");
    aside.innerHTML = "";
    if (!facets) { aside.hidden = true; return; }
    Object.keys(facetNames).forEach(function (name) {
      var values = facets[name] || {};
      var keys = Object.keys(values);
      if (!keys.length) return;
      var fs = el("fieldset");
      fs.appendChild(el("legend", {}, facetNames[name]));
      keys.sort(function (a, b) { return values[b] - values[a]; }).slice(0, 8).forEach(function (v) {
        var id = "f-" + name + "-" + v.replace(/\W/g, "_");
        var label = el("label", { "for": id });
        var box = el("input", { type: "checkbox", id: id });
        var param = name === "accepting" ? "accepting" : name;
        var value = name === "accepting" ? "true" : v;
        box.checked = (state.filters[param] || []).indexOf(value) >= 0;
        box.addEventListener("change", function () {
          var cur = state.filters[param] || [];
          state.filters[param] = box.checked ? cur.concat([value]) : cur.filter(function (x) { return x !== value; });
          search(input.value);
        });
        label.appendChild(box);
        label.appendChild(document.createTextNode(name === "accepting" ? "Accepting new clients" : v));
        label.appendChild(el("span", { "class": "count" }, String(values[v])));
        fs.appendChild(label);
      });
      aside.appendChild(fs);
    });
    aside.hidden = false;
  }

  function search(q) {
    hideSuggestions();
    var params = new URLSearchParams({ q: q, limit: "10" });
    Object.keys(state.filters).forEach(function (k) {
      state.filters[k].forEach(function (v) { params.append(k, v); });
    });
    var status = document.getElementById("status");
    status.textContent = "Searching…";
    fetch("/api/search?" + params.toString(), { credentials: "omit" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { status.textContent = res.body.error ? res.body.error.message : "Search failed"; return; }
        var d = res.body;
        showCrisis(d.crisis);
        var dym = document.getElementById("did-you-mean");
        dym.innerHTML = "";
        dym.hidden = !d.suggestion;
        if (d.suggestion) {
          dym.appendChild(document.createTextNode("Showing results for "));
          var b = el("button", { type: "button" }, d.suggestion);
          b.addEventListener("click", function () { input.value = d.suggestion; search(d.suggestion); });
          dym.appendChild(b);
        }
        renderArticles(d.articles);
        renderClinicians(d.clinicians);
        renderFacets(d.facets);
        var about = d.concepts.slice(0, 3).map(function (c) { return c.label; }).join(", ");
        status.textContent = d.total.articles + " articles and " + d.total.clinicians + " clinicians" +
          (about ? " about " + about : "") + ".";
      })
      .catch(function () { status.textContent = "Search is not available right now."; });
  }

  function hideSuggestions() {
    list.hidden = true;
    list.innerHTML = "";
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    state.active = -1;
  }

  function suggest(q) {
    if (q.trim().length < 2) { hideSuggestions(); return; }
    state.lastSuggest = q;
    fetch("/api/suggest?" + new URLSearchParams({ q: q }).toString(), { credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (d) {
        if (q !== state.lastSuggest) return;
        list.innerHTML = "";
        d.suggestions.forEach(function (s, i) {
          var li = el("li", { role: "option", id: "sugg-" + i, "aria-selected": "false" });
          li.appendChild(document.createTextNode(s.label));
          li.appendChild(el("span", { "class": "kind" }, s.type));
          li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(s); });
          list.appendChild(li);
        });
        list.hidden = d.suggestions.length === 0;
        input.setAttribute("aria-expanded", String(!list.hidden));
      })
      .catch(hideSuggestions);
  }

  function choose(s) {
    if (s.type === "clinician") { input.value = s.label; search(s.label); return; }
    input.value = s.label;
    search(s.label);
  }

  input.addEventListener("input", function () {
    clearTimeout(state.suggestTimer);
    state.suggestTimer = setTimeout(function () { suggest(input.value); }, 120);
  });
  input.addEventListener("keydown", function (e) {
    var items = list.querySelectorAll("li");
    if (list.hidden || !items.length) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      state.active = (state.active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
      items.forEach(function (li, i) { li.setAttribute("aria-selected", String(i === state.active)); });
      input.setAttribute("aria-activedescendant", items[state.active].id);
    } else if (e.key === "Enter" && state.active >= 0) {
      e.preventDefault();
      items[state.active].dispatchEvent(new MouseEvent("mousedown"));
    } else if (e.key === "Escape") {
      hideSuggestions();
    }
  });
  input.addEventListener("blur", function () { setTimeout(hideSuggestions, 100); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    if (input.value.trim()) search(input.value);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; search(initial); }
})();
