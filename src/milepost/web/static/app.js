// Milepost pages: small enhancements over plain HTML forms (no framework).
"use strict";

// Uploads show their progress and can be cancelled (imports of large files).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("[data-upload]")) return;
  event.preventDefault();
  const box = form.querySelector(".upload-progress");
  const bar = box.querySelector("progress");
  const what = box.querySelector(".what");
  const submit = form.querySelector("button[type=submit]");
  const xhr = new XMLHttpRequest();
  box.hidden = false;
  submit.disabled = true;
  xhr.upload.addEventListener("progress", (e) => {
    if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    if (e.loaded === e.total) { what.textContent = "Reading the plan…"; bar.removeAttribute("value"); }
  });
  const reset = () => { box.hidden = true; submit.disabled = false; bar.value = 0; what.textContent = "Uploading…"; };
  box.querySelector(".cancel").onclick = () => { xhr.abort(); reset(); };
  xhr.addEventListener("load", () => {
    if (xhr.responseURL && !xhr.responseURL.endsWith(form.getAttribute("action"))) {
      window.location.assign(xhr.responseURL);
      return;
    }
    document.open(); document.write(xhr.responseText); document.close();
  });
  xhr.addEventListener("error", () => { reset(); alert("The upload failed: check the connection and try again."); });
  xhr.open("POST", form.action);
  xhr.send(new FormData(form));
});

// fetch() with the session's CSRF token, for the scripts of the Gantt and the table.
window.milepost = {
  post(url, data) {
    const body = new URLSearchParams(data);
    return fetch(url, {
      method: "POST",
      body,
      headers: { "X-CSRF-Token": document.body.dataset.csrf || "", "HX-Request": "true" },
      credentials: "same-origin",
    });
  },
};
