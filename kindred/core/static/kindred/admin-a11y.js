// Accessibility mend for the Django admin's autocomplete boxes (select2): their combobox is named
// only by the selected value, so an empty box has no name (axe: aria-input-field-name). Name it by
// its field's label, followed by the selected value. See docs/accessibility.md.
(function () {
  function nameBoxes() {
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var wrapper = select.nextElementSibling;
      var box = wrapper && wrapper.querySelector(".select2-selection");
      if (!label || !box) return;
      if (!label.id) label.id = select.id + "-label";
      box.setAttribute("aria-labelledby", label.id);
      var value = box.querySelector(".select2-selection__rendered");
      if (value) value.setAttribute("aria-labelledby", label.id);
    });
  }
  window.addEventListener("load", nameBoxes);
  document.addEventListener("DOMContentLoaded", function () { setTimeout(nameBoxes, 0); });
})();
