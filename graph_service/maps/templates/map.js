/* graph-service map page: decodes the map data, draws it with vis-network,
 * and wires filters, search, neighbourhood highlight, physics and freeze.
 * Plain ES5-style JavaScript, no libraries besides vis-network. Every text
 * from the data reaches the page through textContent, or through vis-network's
 * tooltip, which sets plain strings with innerText: no name is parsed as HTML.
 * Layout of the data arrays: graph_service/maps/render.py, build_payload. */
(function () {
  "use strict";

  var t0 = performance.now();
  var data = JSON.parse(document.getElementById("map-data").textContent);
  var meta = data.meta;
  var styles = data.styles;
  var N = data.nodes.length;
  var M = data.ties.length;
  var gm = (window.graphMap = { data: data, ready: false, readyAt: null, timings: { start: t0, parsed: performance.now() } });

  function $(id) { return document.getElementById(id); }
  function fmt(v) {
    if (v === null || v === undefined) { return "–"; }
    if (typeof v === "number" && !Number.isInteger(v)) { return String(Math.round(v * 1000) / 1000); }
    return String(v);
  }

  /* ---------- decode ---------- */
  var info = new Array(N);
  for (var i = 0; i < N; i++) {
    var a = data.nodes[i];
    info[i] = { key: a[0], name: a[1], label: a[2], groups: a[3], kind: a[4], size: a[5],
                x: a[6], y: a[7], metrics: a[8], role: a[9], note: a[10] };
  }
  var ties = new Array(M);
  for (var j = 0; j < M; j++) {
    var b = data.ties[j];
    ties[j] = { from: b[0], to: b[1], type: b[2], cls: b[3], directed: b[4] === 1, weight: b[5],
                phase: b[6], evidence: b[7], methodCount: b[8], methods: b[9], maxConf: b[10],
                id: b[11], width: b[12], role: b[13], curve: b[14], note: b[15] };
  }

  function groupNames(n) {
    if (!n.groups.length) { return "no group"; }
    return n.groups.map(function (g) { return data.groups[g].name; }).join(", ");
  }
  function nodeTitle(n) {
    var lines = [n.name];
    var kind = data.labels[n.label].name || "Node";
    lines.push(n.kind ? kind + " · " + n.kind : kind);
    lines.push("Groups: " + groupNames(n));
    for (var k = 0; k < data.metrics.length; k++) {
      if (n.metrics[k] !== null) { lines.push(data.metrics[k].replace(/_/g, " ") + ": " + fmt(n.metrics[k])); }
    }
    if (n.note) { lines.push(n.note); }
    return lines.join("\n");
  }
  function methodNames(mask) {
    var out = [];
    for (var k = 0; k < data.methods.length; k++) { if (mask & (1 << k)) { out.push(data.methods[k]); } }
    return out;
  }
  function tieTitle(t) {
    var cls = styles.tieClasses[t.cls].name;
    var lines = [data.tieTypes[t.type] + (cls === "aggregate" ? "" : " (" + cls + ")")];
    lines.push(info[t.from].name + (t.directed ? " → " : " — ") + info[t.to].name);
    lines.push("Phase: " + (t.phase >= 0 ? data.phases[t.phase] : "none recorded"));
    if (t.weight !== null) { lines.push("Weight: " + fmt(t.weight)); }
    var methods = methodNames(t.methods);
    lines.push("Evidence: " + t.evidence + " (" + t.methodCount + " method" + (t.methodCount === 1 ? "" : "s") +
               (methods.length ? ": " + methods.join(", ") : "") + ")");
    if (t.maxConf !== null) { lines.push("Highest confidence: " + fmt(t.maxConf)); }
    if (t.id) { lines.push("Id: " + t.id); }
    if (t.note) { lines.push(t.note); }
    return lines.join("\n");
  }

  /* ---------- vis items ---------- */
  function nodeColors(n) {
    var fill = n.groups.length ? data.groups[n.groups[0]].color : styles.ungrouped;
    var border = "#4d4d4d";
    var width = 1;
    if (n.groups.length > 1) { border = data.groups[n.groups[1]].color; width = 4; }
    if (n.role > 0) { border = styles.nodeRoles[n.role].border; width = 5; }
    return { color: { background: fill, border: border,
                      highlight: { background: fill, border: "#000000" },
                      hover: { background: fill, border: "#000000" } },
             borderWidth: width, borderWidthSelected: width + 1, font: { color: "#222222" } };
  }
  function tieStyle(t) {
    var s = t.role > 0 ? styles.tieRoles[t.role] : styles.tieClasses[t.cls];
    var width = t.width;
    if (t.role > 0 && styles.tieRoles[t.role].name === "path") { width = Math.max(width, 3) + 1; }
    if (t.role > 0 && styles.tieRoles[t.role].name === "context") { width = 1; }
    return { color: { color: s.color, highlight: s.color, hover: s.color, opacity: 1 },
             dashes: s.dashes, width: width };
  }
  var nodeItems = new Array(N);
  var nodeBase = new Array(N);
  for (i = 0; i < N; i++) {
    var n = info[i];
    var c = nodeColors(n);
    nodeBase[i] = c;
    var item = { id: i, label: n.name, shape: data.labels[n.label].shape, size: n.size,
                 color: c.color, borderWidth: c.borderWidth, borderWidthSelected: c.borderWidthSelected,
                 font: c.font, title: nodeTitle(n) };
    if (n.x !== null) { item.x = n.x; item.y = n.y; }
    nodeItems[i] = item;
  }
  var tieItems = new Array(M);
  var tieBase = new Array(M);
  for (j = 0; j < M; j++) {
    var t = ties[j];
    var st = tieStyle(t);
    tieBase[j] = st;
    var e = { id: j, from: t.from, to: t.to, width: st.width, color: st.color, dashes: st.dashes,
              title: tieTitle(t) };
    if (t.directed) { e.arrows = { to: { enabled: true, scaleFactor: 0.6 } }; }
    if (t.curve !== 0) {
      e.smooth = { enabled: true, type: t.curve > 0 ? "curvedCW" : "curvedCCW", roundness: Math.abs(t.curve) };
    }
    tieItems[j] = e;
  }

  gm.timings.items = performance.now();

  /* ---------- filters ---------- */
  var nodeShown = new Array(N);
  var tieShown = new Array(M);
  var state = gm.state = { types: null, groups: null, ungrouped: true, phase: -2, phaseNone: true,
                           minEvidence: 0, compare: "both", hideIsolated: false,
                           physics: !!meta.physics, frozen: false, highlighted: null };

  function checkedValues(name) {
    var out = {};
    var boxes = document.querySelectorAll('input[name="' + name + '"]');
    for (var k = 0; k < boxes.length; k++) { if (boxes[k].checked) { out[boxes[k].value] = true; } }
    return out;
  }
  function readControls() {
    state.types = checkedValues("tie-type");
    var groups = checkedValues("group");
    state.ungrouped = !!groups["-1"];
    state.groups = groups;
    var phase = $("map-phase");
    state.phase = phase && phase.value !== "" ? parseInt(phase.value, 10) : -2;
    var none = $("map-phase-none");
    state.phaseNone = none ? none.checked : true;
    var ev = parseInt($("map-min-evidence").value, 10);
    state.minEvidence = isNaN(ev) ? 0 : ev;
    var cmp = $("map-compare");
    state.compare = cmp ? cmp.value : "both";
    state.hideIsolated = $("map-hide-isolated").checked;
  }
  function nodePasses(n) {
    if (n.groups.length) {
      var any = false;
      for (var k = 0; k < n.groups.length; k++) { if (state.groups[n.groups[k]]) { any = true; break; } }
      if (!any) { return false; }
    } else if (!state.ungrouped) { return false; }
    var role = styles.nodeRoles[n.role].name;
    if (state.compare === "a" && role === "onlyB") { return false; }
    if (state.compare === "b" && role === "onlyA") { return false; }
    return true;
  }
  function tiePasses(t) {
    if (!state.types[t.type]) { return false; }
    if (state.phase >= 0 && t.phase !== state.phase && !(t.phase < 0 && state.phaseNone)) { return false; }
    if (t.evidence < state.minEvidence) { return false; }
    var role = styles.tieRoles[t.role].name;
    if (state.compare === "a" && role === "gained") { return false; }
    if (state.compare === "b" && role === "lost") { return false; }
    return nodeShown[t.from] && nodeShown[t.to];
  }
  function describeFilters() {
    var types = [];
    for (var k = 0; k < data.tieTypes.length; k++) { if (state.types[k]) { types.push(data.tieTypes[k]); } }
    var typeText = types.length === data.tieTypes.length ? "all tie types" : (types.length ? types.join(", ") : "no tie types");
    var groups = [];
    for (k = 0; k < data.groups.length; k++) { if (state.groups[k]) { groups.push(data.groups[k].name); } }
    var allGroups = groups.length === data.groups.length && (state.ungrouped || !$("map-filter-groups").querySelector('input[value="-1"]'));
    if (state.ungrouped && !allGroups) { groups.push("no group"); }
    var groupText = allGroups ? "all groups" : (groups.length ? "groups " + groups.join(", ") : "no groups");
    var phaseText = state.phase >= 0 ? "phase " + data.phases[state.phase] + (state.phaseNone ? " (and ties without a phase)" : "") : "all phases";
    var text = "Showing " + typeText + "; " + groupText + "; " + phaseText + "; evidence ≥ " + state.minEvidence;
    if (meta.comparison) {
      text += state.compare === "both" ? "; changes " + meta.comparison[0] + " → " + meta.comparison[1]
                                       : "; ties of " + meta.comparison[state.compare === "a" ? 0 : 1];
    }
    return text;
  }
  function applyFilters() {
    readControls();
    var k;
    for (k = 0; k < N; k++) { nodeShown[k] = nodePasses(info[k]); }
    var shownTies = 0;
    var degree = new Int32Array(N);
    for (k = 0; k < M; k++) {
      tieShown[k] = tiePasses(ties[k]);
      if (tieShown[k]) {
        shownTies++;
        degree[ties[k].from]++; degree[ties[k].to]++;
      }
    }
    var shownNodes = 0, isolated = 0;
    for (k = 0; k < N; k++) {
      if (nodeShown[k] && degree[k] === 0) {
        isolated++;
        if (state.hideIsolated) { nodeShown[k] = false; }
      }
      if (nodeShown[k]) { shownNodes++; }
    }
    gm.isolated = isolated;
    $("map-isolated-count").textContent = isolated + (isolated === 1 ? " node" : " nodes");
    gm.shown = { nodes: shownNodes, ties: shownTies };
    if (gm.nodeView) { gm.nodeView.refresh(); gm.edgeView.refresh(); placeLabels(); }
    $("map-filters").textContent = describeFilters();
    $("map-counts").textContent = (shownNodes === N ? N + " nodes" : shownNodes + " of " + N + " nodes") + ", " +
                                  (shownTies === M ? M : shownTies + " of " + M) + " " + data.meta.tieUnit;
    $("map-empty").style.display = shownNodes ? "none" : "block";
  }
  gm.applyFilters = applyFilters;

  function setInitialControls() {
    var init = data.initial;
    var boxes, k;
    if (init.tieTypes) {
      boxes = document.querySelectorAll('input[name="tie-type"]');
      for (k = 0; k < boxes.length; k++) { boxes[k].checked = init.tieTypes.indexOf(data.tieTypes[+boxes[k].value]) >= 0; }
    }
    if (init.groups) {
      boxes = document.querySelectorAll('input[name="group"]');
      for (k = 0; k < boxes.length; k++) {
        var v = +boxes[k].value;
        boxes[k].checked = v >= 0 ? init.groups.indexOf(data.groups[v].id) >= 0 : false;
      }
    }
    if (init.phase !== null && $("map-phase")) {
      var idx = data.phases.indexOf(init.phase);
      if (idx >= 0) { $("map-phase").value = String(idx); }
    }
    $("map-min-evidence").value = String(init.minEvidence || 0);
    $("map-min-evidence").max = String(data.evidenceRange[1]);
  }

  /* ---------- network ---------- */
  var big = N > 2000;
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(tieItems);
  setInitialControls();
  applyFilters();
  var nodeView = new vis.DataView(nodes, { filter: function (it) { return nodeShown[it.id]; } });
  var edgeView = new vis.DataView(edges, { filter: function (it) { return tieShown[it.id]; } });
  var options = {
    autoResize: true,
    nodes: { font: { size: 14, face: "system-ui, DejaVu Sans, Arial, sans-serif", strokeWidth: 3, strokeColor: "#ffffff" },
             scaling: { label: { drawThreshold: 7 } } },
    edges: { smooth: false, selectionWidth: 1.5, hoverWidth: 0.5 },
    interaction: { hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big, hideEdgesOnZoom: big,
                   navigationButtons: false, keyboard: false, multiselect: false },
    layout: { improvedLayout: false, randomSeed: 42 },
    // The positions come from Python (graph_service.maps.layout), so the page
    // draws them at once and physics, when on, only polishes them live:
    // pre-stabilising in the browser costs 10-25 ms per iteration at 500 nodes.
    physics: { enabled: state.physics, solver: "barnesHut",
               barnesHut: { gravitationalConstant: -2000, centralGravity: 0.3, springLength: 140, springConstant: 0.04, damping: 0.4, avoidOverlap: 0.1 },
               stabilization: { enabled: !meta.positioned, iterations: 300, updateInterval: 50, fit: true },
               minVelocity: 2.0 }
  };
  gm.timings.datasets = performance.now();
  var network = new vis.Network($("map-canvas"), { nodes: nodeView, edges: edgeView }, options);
  gm.timings.network = performance.now();
  gm.network = network; gm.nodes = nodes; gm.edges = edges; gm.nodeView = nodeView; gm.edgeView = edgeView;

  /* ---------- labels by importance and zoom ---------- */
  // Labels keep one size on screen whatever the zoom. At each zoom the most
  // important nodes (largest first) get their label wherever it covers no label
  // already placed, so the first view names the hubs without overlap, and
  // zooming in names more. The box is measured with the page's font and kept a
  // little larger than the one vis-network draws.
  var LABEL_PX = 13, LABEL_PAD = 3;
  var labelWidth = new Float32Array(N);
  var measure = document.createElement("canvas").getContext("2d");
  measure.font = "100px " + options.nodes.font.face;
  for (i = 0; i < N; i++) { labelWidth[i] = measure.measureText(info[i].name).width / 100; }
  var byImportance = [];
  for (i = 0; i < N; i++) { byImportance.push(i); }
  byImportance.sort(function (p, q) { return info[q].size - info[p].size || p - q; });
  var labelOn = new Uint8Array(N).fill(1);  // every item starts with its label
  var labelFont = 0;
  function labelBox(id, pos, font, pad) {
    var w = labelWidth[id] * font * 1.06 + 2 * pad;
    var top = pos.y + info[id].size;
    return { left: pos.x - w / 2, right: pos.x + w / 2, top: top, bottom: top + font * 1.45 + pad };
  }
  function placeLabels() {
    var scale = network.getScale();
    if (!(scale > 0)) { return; }
    var font = LABEL_PX / scale, pad = LABEL_PAD / scale;
    var ids = [], k;
    for (k = 0; k < N; k++) { if (nodeShown[k]) { ids.push(k); } }
    var pos = network.getPositions(ids);
    var cell = font * 6, grid = {}, placed = 0, updates = [];
    for (var r = 0; r < N; r++) {
      var id = byImportance[r], want = 0;
      if (nodeShown[id] && pos[id]) {
        var b = labelBox(id, pos[id], font, pad);
        var x0 = Math.floor(b.left / cell), x1 = Math.floor(b.right / cell);
        var y0 = Math.floor(b.top / cell), y1 = Math.floor(b.bottom / cell);
        var free = true, gx, gy, key, list, m;
        for (gx = x0; gx <= x1 && free; gx++) {
          for (gy = y0; gy <= y1 && free; gy++) {
            list = grid[gx + "," + gy];
            if (!list) { continue; }
            for (m = 0; m < list.length; m++) {
              var o = list[m];
              if (b.left < o.right && o.left < b.right && b.top < o.bottom && o.top < b.bottom) { free = false; break; }
            }
          }
        }
        if (free) {
          want = 1; placed++;
          for (gx = x0; gx <= x1; gx++) {
            for (gy = y0; gy <= y1; gy++) { key = gx + "," + gy; (grid[key] = grid[key] || []).push(b); }
          }
        }
      }
      if (want !== labelOn[id]) { labelOn[id] = want; updates.push({ id: id, label: want ? info[id].name : "" }); }
    }
    if (Math.abs(font - labelFont) > labelFont * 0.01) {
      labelFont = font;
      network.setOptions({ nodes: { font: { size: font } } });
    }
    if (updates.length) { nodes.update(updates); }
    gm.labelsShown = placed;
  }
  gm.placeLabels = placeLabels;
  // Fit the nodes and their labels, with a margin, so that no label is cut at an edge.
  function fitWithLabels() {
    network.fit({ animation: false });
    for (var round = 0; round < 3; round++) {
      placeLabels();
      var scale = network.getScale(), font = LABEL_PX / scale, pad = LABEL_PAD / scale;
      var ids = [], k;
      for (k = 0; k < N; k++) { if (nodeShown[k]) { ids.push(k); } }
      if (!ids.length) { return; }
      var pos = network.getPositions(ids);
      var box = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
      for (k = 0; k < ids.length; k++) {
        var id = ids[k], p = pos[id], s = info[id].size;
        var b = labelOn[id] ? labelBox(id, p, font, pad) : { left: p.x - s, right: p.x + s, top: p.y - s, bottom: p.y + s };
        box.left = Math.min(box.left, b.left, p.x - s); box.right = Math.max(box.right, b.right, p.x + s);
        box.top = Math.min(box.top, p.y - s); box.bottom = Math.max(box.bottom, b.bottom, p.y + s);
      }
      var canvas = $("map-canvas");
      var w = Math.max(box.right - box.left, 1), h = Math.max(box.bottom - box.top, 1);
      var fitted = 0.96 * Math.min(canvas.clientWidth / w, canvas.clientHeight / h);
      network.moveTo({ position: { x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2 },
                       scale: fitted, animation: false });
      if (Math.abs(fitted - scale) < scale * 0.02) { break; }
    }
    placeLabels();
  }
  gm.fitWithLabels = fitWithLabels;
  var labelTimer = null;
  network.on("zoom", function () {
    if (labelTimer) { clearTimeout(labelTimer); }
    labelTimer = setTimeout(placeLabels, 120);
  });

  function markReady() {
    if (gm.ready) { return; }
    gm.ready = true;
    gm.readyAt = gm.timings.ready = performance.now();
    document.body.setAttribute("data-ready", "1");
  }
  // Ready = the first complete drawing of final positions: at once when the
  // positions came from Python, else after the browser's stabilisation.
  var settled = meta.positioned || !state.physics;
  network.on("stabilizationIterationsDone", function () { settled = true; });
  // Keep the whole map in view while physics polishes it, until the reader
  // zooms or drags: then the view is theirs.
  var userMoved = false;
  network.on("zoom", function () { userMoved = true; });
  network.on("dragStart", function () { userMoved = true; });
  network.on("stabilized", function () {
    settled = true;
    if (!gm.timings.stabilized) { gm.timings.stabilized = performance.now(); }
    if (!userMoved) { fitWithLabels(); }
  });
  network.on("afterDrawing", function () { if (settled) { markReady(); } });
  if (meta.positioned) { fitWithLabels(); }

  /* ---------- neighbourhood highlight ---------- */
  function clearHighlight() {
    if (state.highlighted === null) { return; }
    state.highlighted = null;
    var nu = new Array(N), eu = new Array(M), k;
    for (k = 0; k < N; k++) { nu[k] = { id: k, color: nodeBase[k].color, font: nodeBase[k].font }; }
    for (k = 0; k < M; k++) { eu[k] = { id: k, color: tieBase[k].color }; }
    nodes.update(nu); edges.update(eu);
  }
  function highlight(id) {
    state.highlighted = id;
    var keep = {}; keep[id] = true;
    var neighbours = network.getConnectedNodes(id);
    for (var k = 0; k < neighbours.length; k++) { keep[neighbours[k]] = true; }
    var keepTies = {};
    var connected = network.getConnectedEdges(id);
    for (k = 0; k < connected.length; k++) { keepTies[connected[k]] = true; }
    var dim = styles.dimmed;
    var nu = new Array(N), eu = new Array(M);
    for (k = 0; k < N; k++) {
      nu[k] = keep[k] ? { id: k, color: nodeBase[k].color, font: nodeBase[k].font }
                      : { id: k, color: { background: dim, border: dim }, font: { color: "#c8c8c8" } };
    }
    for (k = 0; k < M; k++) {
      eu[k] = keepTies[k] ? { id: k, color: tieBase[k].color } : { id: k, color: { color: dim, highlight: dim, hover: dim, opacity: 1 } };
    }
    nodes.update(nu); edges.update(eu);
    gm.neighbourhood = Object.keys(keep).map(Number);
  }
  gm.highlight = highlight; gm.clearHighlight = clearHighlight;
  network.on("click", function (params) {
    if (params.nodes.length) { highlight(params.nodes[0]); } else { clearHighlight(); }
  });

  /* ---------- search ---------- */
  var names = $("map-names");
  if (N <= 5000) {
    var sorted = info.map(function (n) { return n.name; }).sort();
    var frag = document.createDocumentFragment();
    for (i = 0; i < sorted.length; i++) {
      if (i && sorted[i] === sorted[i - 1]) { continue; }
      var opt = document.createElement("option"); opt.value = sorted[i]; frag.appendChild(opt);
    }
    names.appendChild(frag);
  }
  function search(query) {
    var q = String(query).trim().toLowerCase();
    var msg = $("map-search-msg");
    if (!q) { msg.textContent = ""; return null; }
    var found = -1, k;
    for (k = 0; k < N && found < 0; k++) { if (info[k].name.toLowerCase() === q || String(info[k].key).toLowerCase() === q) { found = k; } }
    for (k = 0; k < N && found < 0; k++) { if (info[k].name.toLowerCase().indexOf(q) >= 0) { found = k; } }
    if (found < 0) { msg.textContent = "No node matches “" + query + "”."; return null; }
    if (!nodeShown[found]) { msg.textContent = info[found].name + " is hidden by the filters."; return found; }
    msg.textContent = "Found " + info[found].name + " (" + groupNames(info[found]) + ").";
    network.selectNodes([found]);
    highlight(found);
    network.focus(found, { scale: Math.max(network.getScale(), 1.0), animation: N <= 2000 ? { duration: 400 } : false });
    return found;
  }
  gm.search = search;
  $("map-search-form").addEventListener("submit", function (ev) { ev.preventDefault(); search($("map-search").value); });

  /* ---------- controls ---------- */
  var controls = document.querySelectorAll("#map-controls input, #map-controls select");
  for (i = 0; i < controls.length; i++) {
    if (controls[i].id === "map-search") { continue; }
    controls[i].addEventListener("change", applyFilters);
  }
  function physicsLabel() { $("map-physics").textContent = state.physics ? "Physics: on" : "Physics: off"; }
  function setPhysics(on) {
    state.physics = on;
    network.setOptions({ physics: { enabled: on, stabilization: { enabled: false } } });
    physicsLabel();
  }
  gm.setPhysics = setPhysics;
  $("map-physics").addEventListener("click", function () {
    if (state.frozen) { return; }
    setPhysics(!state.physics);
  });
  physicsLabel();
  function setFrozen(on) {
    state.frozen = on;
    if (on) { network.stopSimulation(); network.storePositions(); setPhysics(false); }
    var nu = new Array(N);
    for (var k = 0; k < N; k++) { nu[k] = { id: k, fixed: on }; }
    nodes.update(nu);
    $("map-freeze").textContent = on ? "Unfreeze layout" : "Freeze layout";
    $("map-physics").disabled = on;
  }
  gm.setFrozen = setFrozen;
  $("map-freeze").addEventListener("click", function () { setFrozen(!state.frozen); });
  $("map-fit").addEventListener("click", fitWithLabels);
})();
