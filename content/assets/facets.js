/*
  Filters of the A–Z page (generator/stages/templates/az.md.j2): one category and one framework
  at a time. Each term's list item carries gl-category-<name> and gl-framework-<id> classes; each
  option's count says how many terms it would leave with the other filter as it is, and the
  status line says how many are shown. Letters left empty are hidden, with their link in the
  letter bar. Without this script the page shows every term and the filters stay hidden.
*/
(function () {
  "use strict";
  var box = document.getElementById("gl-filters");
  if (!box) return;
  var terms = Array.prototype.slice.call(document.querySelectorAll("li.gl-term"));
  var status = document.getElementById("gl-filter-status");
  var groups = ["category", "framework"];

  function chosen(group) {
    var input = box.querySelector("input[name='gl-" + group + "']:checked");
    return input ? input.id.slice(("gl-" + group + "-").length) : "all";
  }

  function matches(li, group, value) {
    return value === "all" || li.classList.contains("gl-" + group + "-" + value);
  }

  function keeps(li, choice) {
    return groups.every(function (g) { return matches(li, g, choice[g]); });
  }

  function update() {
    var choice = {};
    groups.forEach(function (g) { choice[g] = chosen(g); });
    var shown = 0;
    terms.forEach(function (li) {
      var keep = keeps(li, choice);
      li.hidden = !keep;
      if (keep) shown++;
    });
    // each option's count: the terms left if it were chosen, the other filter unchanged
    groups.forEach(function (g) {
      box.querySelectorAll("input[name='gl-" + g + "']").forEach(function (input) {
        var value = input.id.slice(("gl-" + g + "-").length);
        var trial = Object.assign({}, choice);
        trial[g] = value;
        var n = terms.filter(function (li) { return keeps(li, trial); }).length;
        var count = input.nextElementSibling && input.nextElementSibling.querySelector(".gl-count");
        if (count) count.textContent = String(n);
      });
    });
    document.querySelectorAll("ul:has(> li.gl-term)").forEach(function (ul) {
      var empty = !ul.querySelector("li.gl-term:not([hidden])");
      var heading = ul.previousElementSibling;
      ul.hidden = empty;
      if (heading && /^H2$/.test(heading.tagName)) {
        heading.hidden = empty;
        var link = document.querySelector(".gl-letters a[href='#" + heading.id + "']");
        if (link) link.classList.toggle("gl-empty", empty);
      }
    });
    status.textContent = shown === terms.length ? terms.length + " terms"
      : shown + " of " + terms.length + " terms shown";
  }

  box.addEventListener("change", update);
  box.classList.add("gl-ready");
  update();
})();
