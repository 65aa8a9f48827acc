// The Gantt chart's editing: drag a bar to move it, drag its end to change its duration,
// draw a link from one bar to another, undo one's own changes, export a PNG.
// The server does every change and answers with the chart as it is then.
"use strict";

(() => {
  const DAY = 1440;
  let drag = null;

  const frame = () => document.getElementById("gantt");
  const svg = () => frame()?.querySelector("svg.gantt");
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
    const response = await window.milepost.post(url, { ...data, zoom: f.dataset.zoom, collapsed: f.dataset.collapsed });
    const html = await response.text();
    if (response.status === 204 && response.headers.get("HX-Redirect")) {
      window.location.assign(response.headers.get("HX-Redirect"));
      return;
    }
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const fresh = holder.querySelector("#gantt");
    if (fresh) f.replaceWith(fresh);
    const undoId = response.headers.get("X-Milepost-Undo");
    if (remember && undoId && response.ok) setUndo([...undoStack(), undoId]);
    if (window.htmx && fresh) window.htmx.process(fresh);
  }

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

  document.addEventListener("DOMContentLoaded", () => { if (frame()) setUndo(undoStack()); });
})();
