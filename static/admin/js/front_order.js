// Front page layouts: "Move up" / "Move down" on each story row, so an editor reorders without typing
// numbers. A move swaps the rows on screen and numbers every row top to bottom: the positions posted
// are the order seen. Without JavaScript the position fields do the same job.
"use strict";
function frontOrder() {
  const group = document.getElementById("stories-group");
  if (!group) return;
  const body = group.querySelector("tbody");

  function rows() {
    return Array.from(body.querySelectorAll("tr.form-row:not(.empty-form)"));
  }

  function renumber() {
    // Only rows with a story are numbered: a number alone would make an empty row a half-filled one.
    let next = 1;
    rows().forEach(function (row) {
      const position = row.querySelector("input[name$='-position']");
      const story = row.querySelector("select[name$='-article']");
      if (position) position.value = story && story.value ? next++ : "";
    });
  }

  function move(row, step) {
    const all = rows();
    const target = all[all.indexOf(row) + step];
    if (!target) return;
    if (step < 0) body.insertBefore(row, target);
    else body.insertBefore(target, row);
    renumber();
  }

  function button(label, symbol, row, step) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "front-move";
    b.textContent = symbol;
    b.setAttribute("aria-label", label);
    b.title = label;
    b.addEventListener("click", function () {
      move(row, step);
      b.focus();
    });
    return b;
  }

  function decorate(row) {
    const cell = row.querySelector("td.field-position");
    if (!cell || cell.querySelector(".front-move")) return;
    cell.append(button("Move up", "↑", row, -1), button("Move down", "↓", row, 1));
  }

  rows().forEach(decorate);
  // Rows added with "Add another story" get the buttons too.
  document.addEventListener("formset:added", function (event) {
    if (event.detail && event.detail.formsetName === "stories") decorate(event.target);
  });
}
// The admin loads form media in the head: wait for the rows.
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", frontOrder);
else frontOrder();
