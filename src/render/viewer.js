// gradviz viewer: pan and zoom a diagram (drag, wheel, pinch, + - 0 f keys
// and buttons), hover or focus a value to see its numbers and chain rule,
// click or Enter to light up what it comes from and what it feeds, search by
// label; in a steps page, play the frames with the view held still and the
// current value kept in sight. No network, no library: the page carries
// everything.
(() => {
  "use strict";
  const data = JSON.parse(document.getElementById("gv-data").textContent);
  const view = document.getElementById("gv-view");
  const tip = document.getElementById("gv-tip");
  const frames = Array.from(document.querySelectorAll("figure.frame"));
  const $ = (id) => document.getElementById(id);
  const PT = 96 / 72; // screen px per SVG unit (pt) at 100%
  const READABLE = 1.0; // 12-unit text at 12 px: the least it opens at
  const MIN = 0.02, MAX = 8;

  // Who feeds whom, from the data: value -> op node -> value.
  const outs = {};
  for (const [id, n] of Object.entries(data.nodes)) {
    for (const src of n.ins) (outs[src] = outs[src] || []).push(id);
  }
  const name = (id) => (data.nodes[id] && data.nodes[id].label) || "v" + id.slice(1);

  // ---- the view: a box in SVG units shown in the viewport ----------------
  const first = frames[0].querySelector("svg");
  const full = first.viewBox.baseVal;
  const graph = { x: full.x, y: full.y, w: full.width, h: full.height };
  let cam = { x: graph.x, y: graph.y, s: 1 }; // top-left corner, px per unit
  let current = 0, selected = null, timer = null;

  function size() {
    const r = view.getBoundingClientRect();
    return { w: Math.max(1, r.width), h: Math.max(1, r.height) };
  }
  function apply() {
    const { w, h } = size();
    const svg = frames[current].querySelector("svg");
    svg.setAttribute("viewBox", `${cam.x} ${cam.y} ${w / cam.s} ${h / cam.s}`);
    const pct = $("gv-scale");
    if (pct) pct.textContent = Math.round((cam.s / PT) * 100) + "%";
  }
  function fitScale() {
    const { w, h } = size();
    return Math.min(w / graph.w, h / graph.h) * 0.96;
  }
  function centerOn(x, y, s) {
    const { w, h } = size();
    cam = { s, x: x - w / (2 * s), y: y - h / (2 * s) };
    apply();
  }
  function fit() {
    centerOn(graph.x + graph.w / 2, graph.y + graph.h / 2, fitScale());
  }
  function zoomAt(factor, px, py) {
    const s = Math.min(MAX, Math.max(MIN, cam.s * factor));
    const ux = cam.x + px / cam.s, uy = cam.y + py / cam.s;
    cam = { s, x: ux - px / s, y: uy - py / s };
    apply();
  }
  function zoomCenter(factor) {
    const { w, h } = size();
    zoomAt(factor, w / 2, h / 2);
  }

  // A node's box in SVG units (of the frame shown).
  function nodeGroup(id, k = current) {
    for (const g of frames[k].querySelectorAll("g.node")) {
      const t = g.querySelector("title");
      if (t && t.textContent === id) return g;
    }
    return null;
  }
  // A node's box in the SVG's own units (those of the viewBox), from where
  // it is drawn now.
  function boxOf(id) {
    const g = nodeGroup(id);
    if (!g) return null;
    const r = g.getBoundingClientRect(), v = view.getBoundingClientRect();
    return {
      x: cam.x + (r.left - v.left) / cam.s,
      y: cam.y + (r.top - v.top) / cam.s,
      width: r.width / cam.s,
      height: r.height / cam.s,
    };
  }
  // Brings a node into view (centred) if it is not inside the view now.
  function keepInView(id, always) {
    const b = boxOf(id);
    if (!b) return;
    const { w, h } = size();
    const inside =
      b.x >= cam.x && b.y >= cam.y &&
      b.x + b.width <= cam.x + w / cam.s && b.y + b.height <= cam.y + h / cam.s;
    if (always || !inside) {
      centerOn(b.x + b.width / 2, b.y + b.height / 2, cam.s);
      clamp();
    }
  }
  // Moves the view no further past the graph's edges than it must: a root
  // at the right end of a wide graph shows what leads to it, not white.
  function clamp() {
    const { w, h } = size();
    const vw = w / cam.s, vh = h / cam.s, m = 8;
    const fit1 = (pos, len, start, extent) =>
      len >= extent + 2 * m ? start + extent / 2 - len / 2
        : Math.min(Math.max(pos, start - m), start + extent + m - len);
    cam.x = fit1(cam.x, vw, graph.x, graph.w);
    cam.y = fit1(cam.y, vh, graph.y, graph.h);
    apply();
  }
  // Opens where text is readable: the whole graph if it fits at a
  // readable size, else a readable size around the focus (root, current).
  function opening() {
    const s = fitScale();
    if (s >= READABLE) {
      centerOn(graph.x + graph.w / 2, graph.y + graph.h / 2, Math.min(s, PT));
    } else {
      cam.s = READABLE;
      apply();
      keepInView(focusOf(current), true);
    }
  }
  function focusOf(k) {
    return frames[k].dataset.focus || data.root;
  }

  // ---- values: tooltips, lineage, keyboard ---------------------------------
  function texts(g) {
    return Array.from(g.querySelectorAll("text")).map((t) => t.textContent.trim());
  }
  function gradOf(id) {
    const g = nodeGroup(id);
    const t = g && texts(g).find((s) => s.startsWith("grad"));
    return t ? t.slice(4).trim() : null;
  }
  function describe(id) {
    const n = data.nodes[id];
    const lines = [];
    const grad = gradOf(id);
    lines.push(`<b>${esc(name(id))}</b>`);
    lines.push(`data ${esc(n.data)}` + (grad !== null ? ` · grad ${esc(grad)}` : ""));
    if (n.op) {
      const ins = n.ins.map(name);
      const expr = ins.length === 2 ? `${ins[0]} ${n.op} ${ins[1]}` : `${n.op}(${ins[0]})`;
      lines.push(`= ${esc(expr)}`);
      n.ins.forEach((src, i) => {
        const l = n.local[i];
        let line = `∂${paren(name(id))}/∂${paren(name(src))} = ${l}`;
        if (grad !== null) line += ` → ${name(src)}.grad += ${l} × ${grad}`;
        lines.push(esc(line));
      });
    } else {
      lines.push("a leaf");
    }
    const fed = (outs[id] || []).map((o) => `${data.nodes[o].op} → ${name(o)}`);
    if (fed.length) lines.push(esc("feeds " + fed.join(", ")));
    return lines.join("<br>");
  }
  function paren(s) {
    return /^[\p{L}\p{N}_.']+$/u.test(s) ? s : `(${s})`;
  }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
  }
  function showTip(id) {
    const g = nodeGroup(id);
    if (!g) return;
    tip.innerHTML = describe(id);
    tip.hidden = false;
    const r = g.getBoundingClientRect(), v = view.getBoundingClientRect();
    let left = r.left - v.left, top = r.bottom - v.top + 6;
    if (top + tip.offsetHeight > v.height) top = r.top - v.top - tip.offsetHeight - 6;
    left = Math.max(4, Math.min(left, v.width - tip.offsetWidth - 4));
    tip.style.left = left + "px";
    tip.style.top = Math.max(4, top) + "px";
  }
  function hideTip() {
    tip.hidden = true;
  }
  function lineage(id) {
    const up = new Set(), down = new Set();
    const walk = (start, next, seen) => {
      const stack = [start];
      while (stack.length) {
        const v = stack.pop();
        for (const w of next(v)) if (!seen.has(w)) { seen.add(w); stack.push(w); }
      }
    };
    walk(id, (v) => (data.nodes[v] ? data.nodes[v].ins : []), up);
    walk(id, (v) => outs[v] || [], down);
    return { up, down };
  }
  // Lights up the selected value, its ancestors and what it feeds.
  function paint() {
    const svg = frames[current].querySelector("svg");
    svg.classList.toggle("gv-lit", selected !== null);
    const { up, down } = selected ? lineage(selected) : { up: new Set(), down: new Set() };
    const inUp = (v) => v === selected || up.has(v);
    const inDown = (v) => v === selected || down.has(v);
    for (const g of svg.querySelectorAll("g.node, g.edge")) {
      const t = g.querySelector("title");
      if (!t) continue;
      // Both kinds name values by their DOT ids: `n3`, its op node `n3_op`.
      const [a, b = a] = t.textContent.split("->").map((s) => s.replace(/_op$/, ""));
      const on = (inUp(a) && inUp(b)) || (inDown(a) && inDown(b));
      g.classList.toggle("gv-on", selected !== null && on);
      g.classList.toggle("gv-sel", g.classList.contains("node") && t.textContent === selected);
    }
    $("gv-selected").textContent = selected
      ? `${name(selected)}: ${up.size} values feed it, it feeds ${down.size} (Esc clears)` : "";
  }
  function select(id) {
    selected = selected === id ? null : id;
    paint();
  }
  function valueOf(target) {
    const g = target.closest && target.closest("g.node");
    const t = g && g.querySelector("title");
    return t && data.nodes[t.textContent] ? t.textContent : null;
  }
  // Makes the value nodes of a frame reachable by keyboard.
  function prepare(k) {
    const f = frames[k];
    if (f.dataset.ready) return;
    f.dataset.ready = "1";
    const svg = f.querySelector("svg");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    svg.setAttribute("preserveAspectRatio", "xMinYMin meet");
    for (const g of svg.querySelectorAll("g.node")) {
      const t = g.querySelector("title");
      if (!t || !data.nodes[t.textContent]) continue;
      g.setAttribute("tabindex", "0");
      g.setAttribute("role", "button");
      g.setAttribute("aria-label", texts(g).join(", "));
    }
  }

  // ---- frames (steps) -----------------------------------------------------
  function show(k) {
    const was = current;
    current = Math.max(0, Math.min(frames.length - 1, k));
    prepare(current);
    frames.forEach((f, i) => { f.hidden = i !== current; });
    const slider = $("slider"), counter = $("counter");
    if (slider) slider.value = current;
    if (counter) counter.textContent = `${current + 1} / ${frames.length}`;
    apply();
    paint();
    hideTip();
    if (was !== current && frames[current].dataset.focus) keepInView(frames[current].dataset.focus, false);
  }
  function toggle() {
    const play = $("play");
    if (timer) { clearInterval(timer); timer = null; play.textContent = "▶ play"; return; }
    play.textContent = "⏸ pause";
    timer = setInterval(() => { if (current >= frames.length - 1) toggle(); else show(current + 1); }, 1200);
  }

  // ---- input --------------------------------------------------------------
  const pointers = new Map();
  let drag = null, pinch = null;
  view.addEventListener("pointerdown", (e) => {
    if (e.button !== 0) return;
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.size === 1) drag = { x: e.clientX, y: e.clientY, moved: 0, target: e.target };
    if (pointers.size === 2) {
      const [a, b] = Array.from(pointers.values());
      pinch = { d: Math.hypot(a.x - b.x, a.y - b.y) };
      drag = null;
    }
  });
  view.addEventListener("pointermove", (e) => {
    if (!pointers.has(e.pointerId)) {
      const id = valueOf(e.target);
      if (id) showTip(id); else if (!view.contains(document.activeElement) || !valueOf(document.activeElement)) hideTip();
      return;
    }
    pointers.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pinch && pointers.size === 2) {
      const [a, b] = Array.from(pointers.values());
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      const r = view.getBoundingClientRect();
      zoomAt(d / pinch.d, (a.x + b.x) / 2 - r.left, (a.y + b.y) / 2 - r.top);
      pinch.d = d;
    } else if (drag) {
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      drag.moved += Math.abs(dx) + Math.abs(dy);
      if (drag.moved > 4) {
        if (!view.hasPointerCapture(e.pointerId)) view.setPointerCapture(e.pointerId);
        view.classList.add("gv-dragging");
        cam.x -= dx / cam.s;
        cam.y -= dy / cam.s;
        apply();
        hideTip();
      }
      drag.x = e.clientX;
      drag.y = e.clientY;
    }
  });
  const release = (e) => {
    const was = drag;
    pointers.delete(e.pointerId);
    if (pointers.size < 2) pinch = null;
    view.classList.remove("gv-dragging");
    if (was && was.moved <= 4 && e.type === "pointerup") {
      const id = valueOf(was.target);
      if (id) select(id);
    }
    drag = null;
  };
  view.addEventListener("pointerup", release);
  view.addEventListener("pointercancel", release);
  view.addEventListener("pointerleave", (e) => { if (!pointers.size) hideTip(); });
  view.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = view.getBoundingClientRect();
    const dy = e.deltaMode === 1 ? e.deltaY * 16 : e.deltaY;
    zoomAt(Math.exp(-dy * 0.0015), e.clientX - r.left, e.clientY - r.top);
  }, { passive: false });
  view.addEventListener("focusin", (e) => {
    const id = valueOf(e.target);
    if (id) { keepInView(id, false); showTip(id); }
  });
  view.addEventListener("focusout", hideTip);
  view.addEventListener("keydown", (e) => {
    const id = valueOf(e.target);
    if (id && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); e.stopPropagation(); select(id); }
  });

  $("gv-in").addEventListener("click", () => zoomCenter(1.25));
  $("gv-out").addEventListener("click", () => zoomCenter(0.8));
  $("gv-fit").addEventListener("click", fit);
  $("gv-100").addEventListener("click", () => {
    const { w, h } = size();
    centerOn(cam.x + w / (2 * cam.s), cam.y + h / (2 * cam.s), PT);
  });

  // Search: the values whose label holds the text; Enter goes to the next.
  const search = $("gv-search"), found = $("gv-found");
  let matches = [], at = -1;
  function find() {
    const q = search.value.trim().toLowerCase();
    matches = q ? Object.keys(data.nodes).filter((id) => name(id).toLowerCase().includes(q)) : [];
    at = -1;
    found.textContent = q ? (matches.length ? `${matches.length} found` : "no value has that label") : "";
  }
  function next() {
    if (!matches.length) return;
    at = (at + 1) % matches.length;
    const id = matches[at];
    selected = id;
    paint();
    keepInView(id, true);
    showTip(id);
    found.textContent = `${at + 1} of ${matches.length}: ${name(id)}`;
  }
  search.addEventListener("input", () => { find(); if (matches.length) next(); });
  search.addEventListener("keydown", (e) => {
    if (e.key === "Enter") { e.preventDefault(); next(); }
    if (e.key === "Escape") { search.value = ""; find(); search.blur(); }
    e.stopPropagation();
  });

  document.addEventListener("keydown", (e) => {
    if (e.target === search || e.ctrlKey || e.metaKey || e.altKey) return;
    const slider = $("slider");
    if (e.target === slider && (e.key === "ArrowLeft" || e.key === "ArrowRight")) return;
    const pan = 60 / cam.s;
    switch (e.key) {
      case "+": case "=": zoomCenter(1.25); break;
      case "-": case "_": zoomCenter(0.8); break;
      case "0": $("gv-100").click(); break;
      case "f": fit(); break;
      case "/": e.preventDefault(); search.focus(); break;
      case "Escape": selected = null; paint(); hideTip(); break;
      case "ArrowLeft": if (frames.length > 1) show(current - 1); else { cam.x -= pan; apply(); } break;
      case "ArrowRight": if (frames.length > 1) show(current + 1); else { cam.x += pan; apply(); } break;
      case "ArrowUp": cam.y -= pan; apply(); break;
      case "ArrowDown": cam.y += pan; apply(); break;
      case " ":
        if (frames.length > 1 && !valueOf(e.target)) { e.preventDefault(); toggle(); }
        break;
      default: return;
    }
  });
  if (frames.length > 1) {
    $("prev").addEventListener("click", () => show(current - 1));
    $("next").addEventListener("click", () => show(current + 1));
    $("play").addEventListener("click", toggle);
    $("slider").addEventListener("input", () => show(Number($("slider").value)));
  }
  window.addEventListener("resize", apply);

  // Exposed for tests and the curious: the camera and the view's controls.
  window.gradviz = { get camera() { return { ...cam }; }, fit, show, keepInView, select };
  prepare(0);
  show(0);
  opening();
})();
