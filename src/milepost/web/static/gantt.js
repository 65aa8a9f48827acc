// The Gantt chart: its rows come in bands, fetched as they scroll into view; editing: drag
// a bar to move it, drag its end to change its duration, draw a link from one bar to
// another, undo one's own changes; export a PNG.
// The server does every change and answers with the chart as it is then.
"use strict";

(() => {
  const DAY = 1440;
  let drag = null;

  const frame = () => document.getElementById("gantt");
  const svg = () => frame()?.querySelector("svg.gantt");
  const scroller = () => frame()?.querySelector(".gantt-frame");
  const editable = () => frame()?.dataset.editable === "true";
  const undoKey = () => `milepost-undo-${frame().dataset.project}`;

  function undoStack() {
    try { return JSON.parse(sessionStorage.getItem(undoKey()) || "[]"); } catch { return []; }
  }
  function setUndo(stack) {
    sessionStorage.setItem(undoKey(), JSON.stringify(stack.slice(-50)));
    const button = document.getElementById("undo");
    if (button) button.disabled = stack.length === 0;
  }

  function rowOf(key) {
    return frame().querySelector(`.tree .row[data-key="${CSS.escape(key)}"]`);
  }

  // A date the server reads: the chart's origin plus minutes, as local time.
  function moment(minutes) {
    const origin = svg().dataset.origin; // YYYY-MM-DDTHH:MM, the chart's x = left
    const base = new Date(`${origin}:00Z`);
    const at = new Date(base.getTime() + minutes * 60000);
    return at.toISOString().slice(0, 16);
  }

  // Minutes from the chart's origin of an x in the SVG.
  function minutesAt(x) {
    const s = svg();
    return ((x - Number(s.dataset.left)) / Number(s.dataset.pxPerDay)) * DAY;
  }

  function svgPoint(event) {
    const s = svg();
    const p = s.createSVGPoint();
    p.x = event.clientX; p.y = event.clientY;
    return p.matrixTransform(s.getScreenCTM().inverse());
  }

  function barBox(target) {
    const bar = target.closest("[data-key]");
    if (!bar || !bar.closest("svg.gantt") || bar.classList.contains("summary")) return null;
    return bar;
  }

  async function send(url, data, { remember = true } = {}) {
    const f = frame();
    const where = { zoom: f.dataset.zoom, collapsed: f.dataset.collapsed, at: firstRow() };
    const response = await window.milepost.post(url, { ...data, ...where });
    if (response.status === 204 && response.headers.get("HX-Redirect")) {
      window.location.assign(response.headers.get("HX-Redirect"));
      return;
    }
    const fresh = replaceChart(f, await response.text());
    const undoId = response.headers.get("X-Milepost-Undo");
    if (remember && undoId && response.ok) setUndo([...undoStack(), undoId]);
    return fresh;
  }

  // Put the chart of a reply in place of ``f``, scrolled where ``f`` was.
  function replaceChart(f, html) {
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const fresh = holder.querySelector("#gantt");
    if (!fresh) return null;
    const old = scroller();
    const [top, left] = [old.scrollTop, old.scrollLeft];
    f.replaceWith(fresh);
    fresh.opened = true;
    const box = scroller();
    box.scrollTop = top; box.scrollLeft = left;
    if (window.htmx) window.htmx.process(fresh);
    fill();
    return fresh;
  }

  // The row at the top of the chart's view.
  function firstRow() {
    const box = scroller(), s = svg();
    if (!box || !s) return 0;
    return Math.max(0, Math.floor(box.scrollTop / Number(s.dataset.rowHeight)));
  }

  // The bands of rows in view, and one more below.
  function bandsInView() {
    const box = scroller(), s = svg();
    const rh = Number(s.dataset.rowHeight), per = Number(s.dataset.bandRows), rows = Number(s.dataset.rows);
    const first = Math.floor(firstRow() / per);
    const last = Math.floor(Math.min(rows - 1, (box.scrollTop + box.clientHeight) / rh) / per) + 1;
    const wanted = [];
    for (let k = first; k <= last && k * per < rows; k++) wanted.push(k);
    return wanted;
  }

  // Fetch the bands in view that the page does not hold yet.
  function fill() {
    const f = frame();
    if (!f || !svg() || !scroller()) return;
    f.loading ||= new Set();
    for (const k of bandsInView()) {
      if (!f.loading.has(k) && !f.querySelector(`.tree .band[data-band="${k}"]`)) loadBand(f, k);
    }
  }

  async function loadBand(f, k) {
    f.loading.add(k);
    const query = new URLSearchParams({ band: k, revision: f.dataset.revision, zoom: f.dataset.zoom, collapsed: f.dataset.collapsed });
    try {
      const response = await fetch(`/projects/${f.dataset.project}/gantt/band?${query}`, {
        credentials: "same-origin", headers: { "HX-Request": "true" },
      });
      const text = await response.text();
      if (frame() !== f) return; // the chart was redrawn meanwhile
      if (response.status === 409) { reload(f); return; }
      if (!response.ok) { say(f, "Some rows of the chart could not be loaded; reload the page to try again."); return; }
      const holder = document.createElement("template");
      holder.innerHTML = text;
      addBand(f, k, holder.content);
    } catch {
      if (frame() === f) say(f, "Some rows of the chart could not be loaded: check the connection and reload the page.");
    } finally {
      f.loading.delete(k);
    }
  }

  // A band's tree rows go into the tree, its arrows and bars into theirs, in band order; an
  // arrow already shown by another band is left out.
  function addBand(f, k, content) {
    const rows = content.querySelector("div.band");
    if (!rows) return;
    inOrder(f.querySelector(".tree"), rows, k);
    const s = svg();
    for (const group of content.querySelectorAll("svg > g.band")) {
      const layer = s.querySelector(`:scope > g.${group.dataset.layer}`);
      const shown = new Set([...layer.querySelectorAll("[data-link]")].map((e) => e.dataset.link));
      for (const link of group.querySelectorAll("[data-link]")) if (shown.has(link.dataset.link)) link.remove();
      inOrder(layer, group, k);
    }
    if (window.htmx) window.htmx.process(rows);
  }

  function inOrder(parent, band, k) {
    const next = [...parent.children].find((c) => c.classList.contains("band") && Number(c.dataset.band) > k);
    parent.insertBefore(band, next || null);
  }

  function say(f, text) {
    const box = f.querySelector("#gantt-messages");
    if (box) box.innerHTML = `<div class="notice bad" role="alert">${text}</div>`;
  }

  // The project changed under the page: draw the chart again where it is.
  async function reload(f) {
    const query = new URLSearchParams({ zoom: f.dataset.zoom, collapsed: f.dataset.collapsed, at: firstRow() });
    const response = await fetch(`/projects/${f.dataset.project}/gantt?${query}`, {
      credentials: "same-origin", headers: { "HX-Request": "true" },
    });
    if (frame() === f && response.ok) replaceChart(f, await response.text());
  }

  // A chart just shown opens on its row ``at`` (a collapsed or expanded summary, say).
  function opened() {
    const f = frame(), box = scroller(), s = svg();
    if (!f || !box || !s) return;
    f.opened = true;
    const at = Number(f.dataset.at || 0);
    if (at > 0) box.scrollTop = at * Number(s.dataset.rowHeight);
    fill();
  }

  // The tree from the keyboard (WAI-ARIA tree pattern): Up and Down move between rows,
  // Home and End to the first and last row, Right expands a collapsed summary and Left
  // collapses an expanded one; the focus stays on a row's name.
  document.addEventListener("keydown", (event) => {
    const here = event.target instanceof Element ? event.target.closest(".gantt-frame .tree .row") : null;
    if (!here || event.altKey || event.ctrlKey || event.metaKey) return;
    const rows = [...frame().querySelectorAll(".tree .row")];
    const at = rows.indexOf(here);
    const go = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: rows.length - 1 }[event.key];
    const toggle = here.querySelector("a.toggle");
    const open = here.getAttribute("aria-expanded");
    if (go !== undefined) {
      const row = rows[Math.max(0, Math.min(rows.length - 1, go))];
      row.querySelector("a.name").focus();
      row.scrollIntoView({ block: "nearest" });
    } else if (toggle && ((event.key === "ArrowRight" && open === "false") || (event.key === "ArrowLeft" && open === "true"))) {
      toggle.click();
    } else {
      return;
    }
    event.preventDefault();
  });

  // Zooming or expanding everything redraws the chart on the row at the top of the view.
  document.addEventListener("htmx:configRequest", (event) => {
    const { target, path, parameters, verb } = event.detail;
    if (verb === "get" && target?.id === "gantt" && !/[?&]at=/.test(path)) parameters.at = firstRow();
  });

  // After a collapse or an expand, the focus goes back to the summary's name.
  document.addEventListener("htmx:afterSettle", (event) => {
    const key = event.detail?.requestConfig?.elt?.closest?.(".row")?.dataset.key;
    const row = key && frame()?.querySelector(`.tree .row[data-key="${CSS.escape(key)}"]`);
    if (row) row.querySelector("a.name").focus();
  });

  let pendingFill = false;
  document.addEventListener("scroll", (event) => {
    if (!(event.target instanceof Element) || !event.target.classList.contains("gantt-frame") || pendingFill) return;
    pendingFill = true;
    requestAnimationFrame(() => { pendingFill = false; fill(); });
  }, true);
  window.addEventListener("resize", () => fill());
  document.addEventListener("htmx:afterSettle", () => { if (frame() && !frame().opened) opened(); });

  document.addEventListener("pointerdown", (event) => {
    if (!frame() || !editable() || event.button !== 0) return;
    const bar = barBox(event.target);
    if (!bar) return;
    const linkMode = document.getElementById("link-mode")?.getAttribute("aria-pressed") === "true";
    const start = svgPoint(event);
    const kind = linkMode ? "link" : event.target.classList.contains("handle") ? "stretch" : "move";
    drag = { bar, kind, x0: start.x, y0: start.y, dx: 0, line: null, ends: barEnds(bar) }; // ends: before the drag redraws it
    if (kind === "link") {
      const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("class", "drawing");
      line.setAttribute("x1", start.x); line.setAttribute("y1", start.y);
      line.setAttribute("x2", start.x); line.setAttribute("y2", start.y);
      svg().appendChild(line);
      drag.line = line;
    } else {
      bar.classList.add("dragging");
    }
    bar.setPointerCapture?.(event.pointerId);
    event.preventDefault();
  });

  document.addEventListener("pointermove", (event) => {
    if (!drag) return;
    const p = svgPoint(event);
    drag.dx = p.x - drag.x0;
    if (drag.kind === "link") {
      drag.line.setAttribute("x2", p.x); drag.line.setAttribute("y2", p.y);
    } else if (drag.kind === "move") {
      drag.bar.setAttribute("transform", `translate(${drag.dx},0)`);
    } else {
      const rect = drag.bar.querySelector("rect.bar");
      if (rect) {
        if (!drag.width) drag.width = Number(rect.getAttribute("width"));
        rect.setAttribute("width", Math.max(2, drag.width + drag.dx));
      }
    }
  });

  document.addEventListener("pointerup", (event) => {
    if (!drag) return;
    const { bar, kind, dx, line, ends, width } = drag;
    drag = null;
    bar.classList.remove("dragging");
    const key = bar.dataset.key;
    const row = rowOf(key);
    const project = frame().dataset.project;
    if (kind === "link") {
      line.remove();
      const under = document.elementFromPoint(event.clientX, event.clientY);
      const target = under && barBox(under);
      if (!target || target.dataset.key === key) return;
      const to = rowOf(target.dataset.key);
      send(`/projects/${project}/gantt/link`, { predecessor_id: row.dataset.id, successor_id: to.dataset.id });
      return;
    }
    if (Math.abs(dx) < 3) {
      bar.removeAttribute("transform");
      if (width) bar.querySelector("rect.bar").setAttribute("width", width);
      return;
    }
    const [x0, x1] = ends;
    if (kind === "move") {
      const snap = Number(svg().dataset.pxPerDay) >= 12 ? DAY : 7 * DAY; // whole days; weeks when zoomed out
      const start = Math.round(minutesAt(x0 + dx) / snap) * snap;
      send(`/projects/${project}/gantt/move`, { task_id: row.dataset.id, version: row.dataset.version, start: moment(start) });
    } else {
      const finish = Math.round(minutesAt(x1 + dx) / 30) * 30;
      send(`/projects/${project}/gantt/stretch`, { task_id: row.dataset.id, version: row.dataset.version, finish: moment(finish) });
    }
  });

  // Where a bar starts and ends, in the chart's pixels.
  function barEnds(bar) {
    const rect = bar.querySelector("rect.bar");
    if (rect) {
      const x = Number(rect.getAttribute("x"));
      return [x, x + Number(rect.getAttribute("width"))];
    }
    const x = Number((bar.getAttribute("points") || "0").split(",")[0]);
    return [x, x];
  }

  document.addEventListener("click", (event) => {
    const target = event.target;
    if (!(target instanceof Element) || !frame()) return;
    if (target.id === "link-mode") {
      const on = target.getAttribute("aria-pressed") !== "true";
      target.setAttribute("aria-pressed", String(on));
    } else if (target.id === "undo") {
      const stack = undoStack();
      const last = stack.pop();
      setUndo(stack);
      if (last) send(`/projects/${frame().dataset.project}/undo`, { audit_id: last }, { remember: false });
    } else if (target.id === "export-png") {
      exportPng();
    }
  });

  function exportPng() {
    const link = document.getElementById("export-svg");
    fetch(link.href, { credentials: "same-origin" }).then((r) => r.text()).then((text) => {
      const image = new Image();
      const url = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
      image.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = image.width; canvas.height = image.height;
        const g = canvas.getContext("2d");
        g.fillStyle = "#fff"; g.fillRect(0, 0, canvas.width, canvas.height);
        g.drawImage(image, 0, 0);
        URL.revokeObjectURL(url);
        const a = document.createElement("a");
        a.download = "gantt.png";
        a.href = canvas.toDataURL("image/png");
        document.body.appendChild(a); a.click(); a.remove();
      };
      image.src = url;
    });
  }

  document.addEventListener("DOMContentLoaded", () => { if (frame()) { setUndo(undoStack()); opened(); } });
})();
