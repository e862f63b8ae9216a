// The team switcher in the header: choosing a team submits its form at once (the page's CSP allows no inline handler;
// without JavaScript the form's own button does it).
(function () {
  "use strict";
  document.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
    select.addEventListener("change", () => select.form.submit());
  });
})();
