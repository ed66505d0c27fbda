// attune search widget: embeds a search box with as-you-type suggestions on another site.
//
//   <div id="attune-search"></div>
//   <script src="https://search.example.org/widget.js" data-attune-target="attune-search"
//           data-attune-results="https://search.example.org/"></script>
//
// The widget calls this attune server's /api/suggest directly (start attune with
// --cors-origin https://your-site.example), and sends the visitor to the full search page for
// results, so crisis resources and filters are always shown. It loads nothing from third parties
// and sends no cookies.
(function () {
  "use strict";
  var script = document.currentScript;
  var api = new URL(script.src).origin;
  var target = document.getElementById(script.getAttribute("data-attune-target") || "attune-search");
  var results = script.getAttribute("data-attune-results") || api + "/";
  if (!target) return;

  var form = document.createElement("form");
  form.setAttribute("role", "search");
  form.action = results;
  form.method = "get";
  var id = "attune-q-" + Math.random().toString(36).slice(2);
  var label = document.createElement("label");
  label.htmlFor = id;
  label.textContent = target.getAttribute("data-label") || "Search for help";
  var input = document.createElement("input");
  input.type = "search";
  input.name = "q";
  input.id = id;
  input.maxLength = 1000;
  input.autocomplete = "off";
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  var list = document.createElement("ul");
  list.id = id + "-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  input.setAttribute("aria-controls", list.id);
  var button = document.createElement("button");
  button.type = "submit";
  button.textContent = "Search";
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(button);
  form.appendChild(list);
  target.appendChild(form);

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value;
    if (q.trim().length < 2) { list.hidden = true; return; }
    timer = setTimeout(function () {
      fetch(api + "/api/suggest?" + new URLSearchParams({ q: q }), { credentials: "omit", referrerPolicy: "no-referrer" })
        .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
        .then(function (d) {
          list.innerHTML = "";
          d.suggestions.forEach(function (s) {
            var li = document.createElement("li");
            li.setAttribute("role", "option");
            li.textContent = s.label;
            li.addEventListener("mousedown", function (e) {
              e.preventDefault();
              input.value = s.label;
              form.submit();
            });
            list.appendChild(li);
          });
          list.hidden = d.suggestions.length === 0;
          input.setAttribute("aria-expanded", String(!list.hidden));
        })
        .catch(function () { list.hidden = true; });
    }, 150);
  });
  input.addEventListener("blur", function () { setTimeout(function () { list.hidden = true; }, 150); });
})();
