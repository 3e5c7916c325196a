// Small enhancements; the page works without them.
(function () {
  "use strict";

  // "/" jumps to the search box, unless the user is typing somewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var box = document.getElementById("q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // A value is either included or excluded: ticking one clears the other.
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.dataset || !box.dataset.opposto || !box.checked) return;
    var other = document.getElementById(box.dataset.opposto);
    if (other) other.checked = false;
  }, true);
})();
