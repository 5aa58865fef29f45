// Re-fetches the fleet table every few seconds and swaps it in place (keeps the scroll
// position, unlike a meta refresh). A lost login goes back to the login page.
(function () {
  "use strict";
  var main = document.getElementById("fleet");
  if (!main) { return; }
  var url = main.getAttribute("data-source");
  var every = parseInt(main.getAttribute("data-refresh-ms"), 10) || 10000;
  function refresh() {
    fetch(url, { credentials: "same-origin", cache: "no-store" }).then(function (r) {
      if (r.status === 401) { window.location.assign("/staff/login"); return null; }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null && html !== undefined) {
        var open = {};
        main.querySelectorAll("details[open]").forEach(function (d) { open[d.id] = true; });
        main.innerHTML = html;
        Object.keys(open).forEach(function (id) {
          var d = document.getElementById(id);
          if (d) { d.open = true; }
        });
      }
    }).catch(function () {
      var stamp = document.getElementById("updated");
      if (stamp) { stamp.classList.add("stale"); }
    }).then(function () { window.setTimeout(refresh, every); });
  }
  window.setTimeout(refresh, every);
})();
