/* The gate lab (quizgrader): one range input per free gate of each model, a log-axis plot of
   gain(t) and reach(t) with both thresholds (uPlot), the sentence that says what the plot
   shows (aria-live) and a table of the gain at t = 1, T/10, T/2, T. The numbers come from the
   service's /api/lab/{question} or, offline, from the precomputed grid embedded in the page;
   the sentence and the table are written by the server (the explanations' own words). */
(function () {
  "use strict";

  function key(model, gates, values) {
    return model + "|" + gates.map(function (g) { return g + "=" + values[g]; }).join("&");
  }

  function lg(xs) {                     /* log10 of each norm; 0 or not finite: a gap */
    return xs.map(function (x) { return x !== null && x > 0 && isFinite(x) ? Math.log10(x) : null; });
  }

  /* the plot's lowest decade: a curve that goes below keeps on vanishing (the sentence and
     the table give its values) */
  var FLOOR = -40;

  function Panel(lab, root, desc) {
    this.lab = lab;
    this.root = root;
    this.desc = desc;
    this.gates = desc.free.map(function (f) { return f.gate; });
    this.inputs = {};
    this.request = 0;
    this.plot = null;
    this.shown = null;
    var self = this;
    this.gates.forEach(function (g) {
      var input = root.querySelector('input[data-gate="' + g + '"]');
      self.inputs[g] = input;
      input.addEventListener("input", function () { self.update(); });
    });
    this.sentence = root.querySelector(".lab-sentence");
    this.tbody = root.querySelector(".lab-table tbody");
    this.box = root.querySelector(".lab-plot");
    if (window.ResizeObserver) {
      new ResizeObserver(function () { self.resize(); }).observe(this.box);
    }
  }

  Panel.prototype.values = function () {
    var out = {}, self = this;
    this.gates.forEach(function (g) {
      var input = self.inputs[g];
      var i = Number(input.value), v = self.desc.values[i], said = self.desc.shown[i];
      out[g] = v;
      input.setAttribute("aria-valuetext", said);
      var shown = self.root.querySelector('output[for="' + input.id + '"]');
      if (shown) { shown.textContent = said; }
    });
    return out;
  };

  Panel.prototype.set = function (values) {
    var self = this;
    this.gates.forEach(function (g) {
      var i = self.desc.values.indexOf(values[g] === undefined ? "free" : values[g]);
      if (i >= 0) { self.inputs[g].value = String(i); }
    });
    return this.update();
  };

  Panel.prototype.update = function () {
    var values = this.values(), self = this, n = ++this.request;
    return this.lab.fetch(this.desc.id, this.gates, values).then(function (d) {
      if (n !== self.request) { return; }          /* a later move already asked */
      self.show(d);
    }, function (e) {
      if (n !== self.request) { return; }
      self.sentence.textContent = "The lab could not load this setting: " + e.message;
    });
  };

  Panel.prototype.show = function (d) {
    this.shown = d;
    this.root.setAttribute("data-setting", key(this.desc.id, this.gates, this.values()));
    this.sentence.textContent = d.sentence;
    var rows = d.table.map(function (r) {
      var tr = document.createElement("tr");
      var th = document.createElement("th"), td = document.createElement("td");
      th.scope = "row";
      th.textContent = String(r[0]);
      td.textContent = r[1];
      tr.appendChild(th);
      tr.appendChild(td);
      return tr;
    });
    this.tbody.replaceChildren.apply(this.tbody, rows);
    this.draw(d);
  };

  Panel.prototype.size = function () {
    var w = Math.max(240, Math.floor(this.box.clientWidth || 600));
    return { width: w, height: Math.round(Math.min(320, Math.max(220, w * 0.5))) };
  };

  Panel.prototype.draw = function (d) {
    var lab = this.lab.desc, t = d.t;
    var gain = d.lg || lg(d.gain), reach = d.lr || lg(d.reach);
    var lo = Math.log10(lab.vanish_below), hi = Math.log10(lab.explode_above);
    var data = [t, gain, reach, t.map(function () { return lo; }),
                t.map(function () { return hi; })];
    var finite = gain.concat(reach).filter(function (x) { return x !== null; });
    var ymin = Math.max(FLOOR, Math.floor(Math.min.apply(null, finite.concat([lo - 1]))));
    var ymax = Math.ceil(Math.max.apply(null, finite.concat([hi + 1])));
    this.box.setAttribute("data-final", String(d.gain ? d.gain[d.gain.length - 1]
                                                      : Math.pow(10, gain[gain.length - 1])));
    if (!window.uPlot) { return; }
    if (this.plot) { this.plot.destroy(); }
    var size = this.size();
    this.plot = new window.uPlot({
      width: size.width, height: size.height,
      scales: { x: { time: false }, y: { range: function () { return [ymin, ymax]; } } },
      axes: [{ label: "t (steps)" },
             { label: "norm (log scale)", size: 56, incrs: [1, 2, 5, 10, 20, 50, 100],
               values: function (u, vals) {
                 return vals.map(function (v) { return v === 0 ? "1" : "1e" + v; });
               } }],
      legend: { show: true, live: false },
      cursor: { show: false },
      series: [{ label: "t" },
               { label: "gain ‖∂c<t>/∂c<0>‖", stroke: "#0b57a8", width: 2, points: { show: false } },
               { label: "reach ‖∂c<t>/∂x<1>‖", stroke: "#b35900", width: 1.5, dash: [6, 4], points: { show: false } },
               { label: "vanishes below " + lab.vanish_below, stroke: "#777", width: 1,
                 dash: [2, 3], points: { show: false } },
               { label: "explodes above " + lab.explode_above, stroke: "#777", width: 1,
                 dash: [2, 3], points: { show: false } }]
    }, data, this.box);
  };

  Panel.prototype.resize = function () {
    if (this.plot) { this.plot.setSize(this.size()); }
  };

  function Lab(root) {
    this.root = root;
    this.desc = JSON.parse(root.querySelector("script.lab-desc").textContent);
    var data = root.querySelector("script.lab-data");
    this.offline = data ? JSON.parse(data.textContent) : null;
    this.api = root.getAttribute("data-api");
    this.panels = {};
    var self = this;
    this.desc.models.forEach(function (m) {
      var el = root.querySelector('.lab-model[data-model="' + m.id + '"]');
      self.panels[m.id] = new Panel(self, el, m);
    });
    root.querySelectorAll("button[data-option]").forEach(function (b) {
      b.addEventListener("click", function () {
        var o = self.desc.options.filter(function (x) {
          return x.option === b.getAttribute("data-option"); })[0];
        var panel = self.panels[o.model];
        panel.set(o.gates).then(function () {
          panel.root.scrollIntoView({ block: "nearest" });
        });
        var first = panel.gates.length ? panel.inputs[panel.gates[0]] : null;
        if (first) { first.focus(); }
      });
    });
    Object.keys(this.panels).forEach(function (id) { self.panels[id].update(); });
  }

  Lab.prototype.fetch = function (model, gates, values) {
    if (this.offline) {
      var d = this.offline.settings[key(model, gates, values)];
      if (!d) { return Promise.reject(new Error("not in this handout's grid")); }
      return Promise.resolve({ t: this.offline.t, lg: d.lg, lr: d.lr,
                               sentence: d.sentence, table: d.table });
    }
    var q = new URLSearchParams(this.api.split("?")[1] || "");
    q.set("model", model);
    gates.forEach(function (g) { q.set(g, values[g]); });
    return window.fetch(this.api.split("?")[0] + "?" + q.toString()).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) { throw new Error(j.error || String(r.status)); }
        return j;
      });
    });
  };

  function start() {
    document.querySelectorAll(".lab[data-lab]").forEach(function (root) {
      root.lab = new Lab(root);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
