// The task table: cells saved as they are left, row buttons, and moving between cells
// with the keyboard like a spreadsheet.
//   ArrowUp / ArrowDown: the same column in the row above / below
//   Enter: save and go down;  Escape: put back what the cell held
// A cell's change is sent with its row's id and version; the answer swaps in the rows
// that changed (or the whole table when the plan's shape changed).
"use strict";

(() => {
  const table = () => document.getElementById("task-table");
  let lastFocus = null;

  function send(url, values, target = "#table-messages", swap = "innerHTML") {
    if (!window.htmx) {
      alert("The page's scripts did not load (htmx): reload the page.");
      return;
    }
    window.htmx.ajax("POST", url, { target, swap, values });
  }

  document.addEventListener("change", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.field || !input.closest("#task-table tbody")) return;
    const row = input.closest("tr");
    const project = table().dataset.project;
    send(`/projects/${project}/tasks/${row.dataset.id}/cell`, {
      field: input.dataset.field, value: input.value, version: row.dataset.version, page: table().dataset.page,
    });
  });

  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("#task-table button") : null;
    if (!button) return;
    const row = button.closest("tr");
    const project = table().dataset.project;
    if (button.dataset.move) {
      send(`/projects/${project}/tasks/${row.dataset.id}/step`, { move: button.dataset.move, version: row.dataset.version, page: table().dataset.page },
        "#task-table", "outerHTML");
    } else if (button.dataset.delete) {
      const what = button.dataset.delete === "summary" ? " and its subtasks" : "";
      if (!confirm(`Delete '${row.dataset.path}'${what}?`)) return;
      send(`/projects/${project}/tasks/${row.dataset.id}/delete`, { version: row.dataset.version, page: table().dataset.page }, "#task-table", "outerHTML");
    } else if (button.closest("#new-task")) {
      const values = {};
      for (const input of document.querySelectorAll("#new-task input")) values[input.name] = input.value;
      send(`/projects/${project}/tasks/add`, values, "#task-table", "outerHTML");
    }
  });

  document.addEventListener("keydown", (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.closest("#task-table")) return;
    if (input.closest("#new-task")) {
      if (event.key === "Enter") { event.preventDefault(); input.closest("#new-task").querySelector("button").click(); }
      return;
    }
    const field = input.dataset.field;
    if (event.key === "Escape") {
      input.value = input.defaultValue;
      input.removeAttribute("aria-invalid");
      return;
    }
    if (!field || !["ArrowUp", "ArrowDown", "Enter"].includes(event.key)) return;
    const row = input.closest("tr");
    const next = event.key === "ArrowUp" ? row.previousElementSibling : row.nextElementSibling;
    const target = next?.querySelector(`input[data-field="${field}"]`);
    event.preventDefault();
    if (target) {
      target.focus(); // leaving the cell saves it (its change event)
      target.select();
    } else if (event.key === "Enter") {
      input.blur();
    }
  });

  // Rows swapped in while the cursor is in one of them: put the cursor back.
  document.addEventListener("focusin", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.id && event.target.closest("#task-table")) {
      lastFocus = { id: event.target.id, start: event.target.selectionStart, end: event.target.selectionEnd };
    }
  });
  document.addEventListener("htmx:afterSettle", () => {
    if (!lastFocus || (document.activeElement && document.activeElement !== document.body)) return;
    const again = document.getElementById(lastFocus.id);
    if (again instanceof HTMLInputElement) {
      again.focus();
      try { again.setSelectionRange(lastFocus.start, lastFocus.end); } catch { /* not a text input */ }
    }
  });
})();
