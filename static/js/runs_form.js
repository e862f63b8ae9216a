// Job form: show the width only for "any width", and T and α only when a teacher is chosen.
// Hiding is a convenience: the server ignores a width for named models and T/α without a teacher.
(function () {
  "use strict";

  const form = document.getElementById("run-form");
  if (!form) return;
  const model = form.querySelector("#id_model");
  const teacher = form.querySelector("#id_teacher");

  function showField(id, visible) {
    const input = form.querySelector("#" + id);
    const field = input && input.closest(".field");
    if (field) field.hidden = !visible;
  }

  function update() {
    showField("id_width_mult", model.value === model.dataset.anyWidth);
    const distilling = teacher.value !== "";
    showField("id_temperature", distilling);
    showField("id_alpha", distilling);
  }

  model.addEventListener("change", update);
  teacher.addEventListener("change", update);
  update();
  // A refused form comes back below the queue: bring its messages into view.
  if (form.querySelector(".field-invalid, .form-error")) form.scrollIntoView({ block: "start" });
})();
