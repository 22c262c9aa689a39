/*
 * The sandpit game of chapter 2 of "Multivariate Calculus for Machine Learning".
 *
 * Find the deepest point of a pit you cannot see: each probe reads the height
 * of the floor f(x, y) (lower is deeper) and shows a downhill arrow, the
 * direction of -grad f. The pits are not defined here: the page embeds them as
 * JSON exported by the Python package (mvcalc.multivariate.pits_json) in
 * <script type="application/json" id="sandpit-pits">, and this script
 * evaluates the same closed-form terms as mvcalc.multivariate.Pit:
 *
 *   constant   c
 *   quadratic  (x - c)^T A (x - c)              gradient 2 A (x - c)
 *   gaussian   a exp(-|x - c|^2 / (2 w^2))      gradient -(x - c) / w^2 * term
 *   sine       a sin(k . x + phase)              gradient a cos(k . x + phase) k
 *
 * Keyboard users play with the coordinate inputs and the Probe button; a click
 * on the canvas probes too. Everything a probe shows is also written as text
 * in the list of probes and announced in a live status region.
 *
 * Code: MIT licence.
 */
(function () {
  "use strict";

  // ---------------------------------------------------------------- the pits
  function dot(a, b) {
    var s = 0;
    for (var i = 0; i < a.length; i++) s += a[i] * b[i];
    return s;
  }

  function depth(pit, x) {
    var total = 0;
    pit.terms.forEach(function (t) {
      var i, j, d;
      if (t.kind === "constant") {
        total += t.value;
      } else if (t.kind === "quadratic") {
        d = x.map(function (v, k) { return v - t.center[k]; });
        var q = 0;
        for (i = 0; i < d.length; i++) for (j = 0; j < d.length; j++) q += d[i] * t.matrix[i][j] * d[j];
        total += q;
      } else if (t.kind === "gaussian") {
        d = x.map(function (v, k) { return v - t.center[k]; });
        total += t.amplitude * Math.exp(-dot(d, d) / (2 * t.width * t.width));
      } else if (t.kind === "sine") {
        total += t.amplitude * Math.sin(dot(x, t.wavevector) + t.phase);
      } else {
        throw new Error("sandpit: unknown term kind " + t.kind);
      }
    });
    return total;
  }

  function gradient(pit, x) {
    var g = x.map(function () { return 0; });
    pit.terms.forEach(function (t) {
      var i, j, d;
      if (t.kind === "quadratic") {
        d = x.map(function (v, k) { return v - t.center[k]; });
        for (j = 0; j < g.length; j++) {
          var s = 0;
          for (i = 0; i < d.length; i++) s += d[i] * t.matrix[i][j];
          g[j] += 2 * s;
        }
      } else if (t.kind === "gaussian") {
        d = x.map(function (v, k) { return v - t.center[k]; });
        var w2 = t.width * t.width;
        var value = t.amplitude * Math.exp(-dot(d, d) / (2 * w2));
        for (j = 0; j < g.length; j++) g[j] -= d[j] / w2 * value;
      } else if (t.kind === "sine") {
        var c = t.amplitude * Math.cos(dot(x, t.wavevector) + t.phase);
        for (j = 0; j < g.length; j++) g[j] += c * t.wavevector[j];
      }
    });
    return g;
  }

  function hexToRgb(hex) {
    var n = parseInt(hex.slice(1), 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }

  function colourAt(colours, s) {
    // linear interpolation in the exported colour map, s in [0, 1]
    var u = Math.min(1, Math.max(0, s)) * (colours.length - 1);
    var i = Math.min(colours.length - 2, Math.floor(u));
    var f = u - i;
    var a = colours[i], b = colours[i + 1];
    return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
  }

  var COMPASS = ["east", "north-east", "north", "north-west", "west", "south-west", "south", "south-east"];

  function compass(vx, vy) {
    var angle = Math.atan2(vy, vx);
    var k = Math.round(angle / (Math.PI / 4));
    return COMPASS[(k + 8) % 8];
  }

  function fmt(v, digits) {
    // a proper minus sign, and no "-0.00"
    var s = v.toFixed(digits);
    if (Number(s) === 0) s = (0).toFixed(digits);
    return s.charAt(0) === "-" ? "\u2212" + s.slice(1) : s;
  }

  // ---------------------------------------------------------------- the game
  var COLOURS = {
    sand: "#eadcbc",
    grain: "#d9c69c",
    grid: "#c9b68d",
    axis: "#3d3d3d",
    probe: "#D55E00",
    win: "#009E73",
    arrow: "#0072B2",
    halo: "#ffffff",
    ink: "#1a1a1a"
  };
  var MARGIN = { left: 42, right: 12, top: 12, bottom: 36 };
  var ARROW = 34; // arrow length in canvas pixels

  function Game(root, data) {
    this.root = root;
    this.data = data;
    this.colours = data.colormap.colors.map(hexToRgb);
    this.canvas = root.querySelector("#sandpit-canvas");
    this.ctx = this.canvas.getContext("2d");
    this.select = root.querySelector("#sandpit-pit");
    this.inputX = root.querySelector("#sandpit-x");
    this.inputY = root.querySelector("#sandpit-y");
    this.form = root.querySelector("#sandpit-form");
    this.probeButton = root.querySelector("#sandpit-probe");
    this.revealButton = root.querySelector("#sandpit-reveal");
    this.newButton = root.querySelector("#sandpit-new");
    this.status = root.querySelector("#sandpit-status");
    this.count = root.querySelector("#sandpit-count");
    this.max = root.querySelector("#sandpit-max");
    this.log = root.querySelector("#sandpit-log");
    this.description = root.querySelector("#sandpit-description");
    this.revealImage = null;
    var self = this;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.probeFromInputs();
    });
    this.canvas.addEventListener("click", function (event) { self.probeFromClick(event); });
    this.revealButton.addEventListener("click", function () { self.reveal(true); });
    this.newButton.addEventListener("click", function () { self.start(self.select.value); });
    this.select.addEventListener("change", function () { self.start(self.select.value); });
    var first = root.getAttribute("data-default-pit");
    this.start(data.pits[this.select.value] ? this.select.value : first);
  }

  Game.prototype.start = function (name) {
    this.pit = this.data.pits[name];
    this.name = name;
    this.probes = [];
    this.found = false;
    this.over = false;
    this.revealed = false;
    this.revealImage = null;
    this.select.value = name;
    this.max.textContent = String(this.pit.max_probes);
    this.count.textContent = "0";
    this.description.textContent = this.pit.description;
    this.log.textContent = "";
    var b = this.pit.bounds;
    [[this.inputX, b[0]], [this.inputY, b[1]]].forEach(function (pair) {
      pair[0].min = String(pair[1][0]);
      pair[0].max = String(pair[1][1]);
    });
    this.say("New game on the pit \u201c" + this.pit.title + "\u201d: " + this.pit.max_probes +
      " probes to find the deepest point, within " + this.pit.tol + " m of it. " +
      "x and y run from " + fmt(b[0][0], 0) + " to " + fmt(b[0][1], 0) + " m.");
    this.draw();
  };

  Game.prototype.say = function (text) {
    this.status.textContent = text;
  };

  // world (metres) <-> canvas pixels
  Game.prototype.plotBox = function () {
    return {
      x0: MARGIN.left, y0: MARGIN.top,
      w: this.canvas.width - MARGIN.left - MARGIN.right,
      h: this.canvas.height - MARGIN.top - MARGIN.bottom
    };
  };

  Game.prototype.toPixel = function (x, y) {
    var b = this.pit.bounds, box = this.plotBox();
    return [
      box.x0 + (x - b[0][0]) / (b[0][1] - b[0][0]) * box.w,
      box.y0 + (b[1][1] - y) / (b[1][1] - b[1][0]) * box.h
    ];
  };

  Game.prototype.toWorld = function (px, py) {
    var b = this.pit.bounds, box = this.plotBox();
    return [
      b[0][0] + (px - box.x0) / box.w * (b[0][1] - b[0][0]),
      b[1][1] - (py - box.y0) / box.h * (b[1][1] - b[1][0])
    ];
  };

  Game.prototype.probeFromInputs = function () {
    var x = Number(this.inputX.value), y = Number(this.inputY.value);
    if (this.inputX.value.trim() === "" || this.inputY.value.trim() === "" || !isFinite(x) || !isFinite(y)) {
      this.say("Type two numbers, x and y, before probing.");
      return;
    }
    this.probe(x, y);
  };

  Game.prototype.probeFromClick = function (event) {
    var rect = this.canvas.getBoundingClientRect();
    var px = (event.clientX - rect.left) * this.canvas.width / rect.width;
    var py = (event.clientY - rect.top) * this.canvas.height / rect.height;
    var box = this.plotBox();
    if (px < box.x0 || px > box.x0 + box.w || py < box.y0 || py > box.y0 + box.h) return;
    var w = this.toWorld(px, py);
    var x = Math.round(w[0] * 100) / 100, y = Math.round(w[1] * 100) / 100;
    this.inputX.value = String(x);
    this.inputY.value = String(y);
    this.probe(x, y);
  };

  Game.prototype.probe = function (x, y) {
    var b = this.pit.bounds;
    if (this.over) {
      this.say("This game is over. Choose New game to play again.");
      return null;
    }
    if (x < b[0][0] || x > b[0][1] || y < b[1][0] || y > b[1][1]) {
      this.say("The point (" + fmt(x, 2) + ", " + fmt(y, 2) + ") is outside the pit: x and y must lie between " +
        fmt(b[0][0], 0) + " and " + fmt(b[0][1], 0) + " m.");
      return null;
    }
    var f = depth(this.pit, [x, y]);
    var g = gradient(this.pit, [x, y]);
    var down = [-g[0], -g[1]];
    var slope = Math.hypot(down[0], down[1]);
    var m = this.pit.minimum.x;
    var hit = Math.hypot(x - m[0], y - m[1]) <= this.pit.tol;
    var probe = { x: x, y: y, depth: f, downhill: down, slope: slope, found: hit };
    this.probes.push(probe);
    this.found = this.found || hit;
    var n = this.probes.length, left = this.pit.max_probes - n;
    this.count.textContent = String(n);
    var where = slope > 1e-9 ? "downhill towards the " + compass(down[0], down[1]) + ", slope " + fmt(slope, 2)
      : "flat: no downhill direction";
    var item = document.createElement("li");
    item.textContent = "(" + fmt(x, 2) + ", " + fmt(y, 2) + "): floor at " + fmt(f, 3) + " m, " + where +
      (hit ? ". Found the deepest point!" : ".");
    this.log.appendChild(item);
    var text = "Probe " + n + " at (" + fmt(x, 2) + ", " + fmt(y, 2) + "): floor at " + fmt(f, 3) + " m, " + where + ". ";
    if (hit) {
      text += "You found the deepest point in " + n + (n === 1 ? " probe" : " probes") + "! The whole pit is revealed.";
      this.finish();
    } else if (left === 0) {
      text += "No probes left: the deepest point is revealed, marked with a star.";
      this.finish();
    } else {
      text += left + (left === 1 ? " probe" : " probes") + " left.";
    }
    this.say(text);
    this.draw();
    return probe;
  };

  Game.prototype.finish = function () {
    // the controls stay enabled, so that keyboard focus is never lost; a further
    // probe is answered with a message, and New game starts again
    this.over = true;
    this.reveal(false);
  };

  Game.prototype.reveal = function (announce) {
    this.revealed = true;
    this.over = true;
    var m = this.pit.minimum;
    if (announce) {
      this.say("Revealed: the deepest point is at (" + fmt(m.x[0], 2) + ", " + fmt(m.x[1], 2) + "), floor at " +
        fmt(m.depth, 3) + " m. Dark colours are deep, light colours high. Choose New game to play again.");
    }
    this.draw();
  };

  Game.prototype.renderPit = function () {
    // the colour map of the whole pit, computed once per game
    var box = this.plotBox();
    var w = Math.round(box.w), h = Math.round(box.h);
    var values = new Float64Array(w * h);
    var lo = Infinity, hi = -Infinity, i, j;
    for (j = 0; j < h; j++) {
      for (i = 0; i < w; i++) {
        var p = this.toWorld(box.x0 + i + 0.5, box.y0 + j + 0.5);
        var v = depth(this.pit, p);
        values[j * w + i] = v;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    var image = this.ctx.createImageData(w, h);
    for (i = 0; i < w * h; i++) {
      var c = colourAt(this.colours, (values[i] - lo) / (hi - lo || 1));
      image.data[4 * i] = c[0];
      image.data[4 * i + 1] = c[1];
      image.data[4 * i + 2] = c[2];
      image.data[4 * i + 3] = 255;
    }
    this.revealImage = image;
    this.range = [lo, hi];
  };

  Game.prototype.draw = function () {
    var ctx = this.ctx, box = this.plotBox(), b = this.pit.bounds;
    ctx.save();
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    if (this.revealed) {
      if (!this.revealImage) this.renderPit();
      ctx.putImageData(this.revealImage, Math.round(box.x0), Math.round(box.y0));
    } else {
      ctx.fillStyle = COLOURS.sand;
      ctx.fillRect(box.x0, box.y0, box.w, box.h);
      // a fixed, depth-free sand texture
      ctx.fillStyle = COLOURS.grain;
      for (var k = 0; k < 900; k++) {
        var gx = box.x0 + ((k * 97) % 389) / 389 * box.w;
        var gy = box.y0 + ((k * 61) % 433) / 433 * box.h;
        ctx.fillRect(gx, gy, 1.5, 1.5);
      }
    }
    // grid and ticks every metre
    ctx.strokeStyle = this.revealed ? "rgba(255,255,255,0.35)" : COLOURS.grid;
    ctx.lineWidth = 1;
    ctx.fillStyle = COLOURS.axis;
    ctx.font = "12px sans-serif";
    for (var t = Math.ceil(b[0][0]); t <= b[0][1]; t++) {
      var px = this.toPixel(t, b[1][0])[0];
      ctx.beginPath(); ctx.moveTo(px, box.y0); ctx.lineTo(px, box.y0 + box.h); ctx.stroke();
      ctx.textAlign = "center"; ctx.textBaseline = "top";
      ctx.fillText(fmt(t, 0), px, box.y0 + box.h + 4);
    }
    for (t = Math.ceil(b[1][0]); t <= b[1][1]; t++) {
      var py = this.toPixel(b[0][0], t)[1];
      ctx.beginPath(); ctx.moveTo(box.x0, py); ctx.lineTo(box.x0 + box.w, py); ctx.stroke();
      ctx.textAlign = "right"; ctx.textBaseline = "middle";
      ctx.fillText(fmt(t, 0), box.x0 - 6, py);
    }
    ctx.textAlign = "center"; ctx.textBaseline = "bottom";
    ctx.fillText("x (m)", box.x0 + box.w / 2, this.canvas.height - 1);
    ctx.save();
    ctx.translate(11, box.y0 + box.h / 2); ctx.rotate(-Math.PI / 2);
    ctx.textBaseline = "middle";
    ctx.fillText("y (m)", 0, 0);
    ctx.restore();
    ctx.strokeStyle = COLOURS.axis;
    ctx.strokeRect(box.x0, box.y0, box.w, box.h);
    if (this.revealed) this.drawMinimum();
    var self = this;
    this.probes.forEach(function (p, i) { self.drawProbe(p, i + 1); });
    ctx.restore();
  };

  Game.prototype.drawMinimum = function () {
    var ctx = this.ctx, m = this.pit.minimum.x;
    var c = this.toPixel(m[0], m[1]);
    var r = this.pit.tol / (this.pit.bounds[0][1] - this.pit.bounds[0][0]) * this.plotBox().w;
    ctx.save();
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = 3; ctx.strokeStyle = COLOURS.ink;
    ctx.beginPath(); ctx.arc(c[0], c[1], r, 0, 2 * Math.PI); ctx.stroke();
    ctx.lineWidth = 1.5; ctx.strokeStyle = COLOURS.halo;
    ctx.beginPath(); ctx.arc(c[0], c[1], r, 0, 2 * Math.PI); ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    for (var k = 0; k < 10; k++) {
      var a = -Math.PI / 2 + k * Math.PI / 5, rad = k % 2 ? 4 : 10;
      ctx.lineTo(c[0] + rad * Math.cos(a), c[1] + rad * Math.sin(a));
    }
    ctx.closePath();
    ctx.fillStyle = COLOURS.halo; ctx.fill();
    ctx.lineWidth = 1.5; ctx.strokeStyle = COLOURS.ink; ctx.stroke();
    ctx.restore();
  };

  Game.prototype.arrowEnd = function (p) {
    var c = this.toPixel(p.x, p.y);
    if (p.slope <= 1e-9) return c;
    // the downhill vector in pixels (the y axis points down on the canvas)
    return [c[0] + ARROW * p.downhill[0] / p.slope, c[1] - ARROW * p.downhill[1] / p.slope];
  };

  Game.prototype.drawProbe = function (p, number) {
    var ctx = this.ctx, c = this.toPixel(p.x, p.y), e = this.arrowEnd(p);
    ctx.save();
    if (p.slope > 1e-9) {
      var ang = Math.atan2(e[1] - c[1], e[0] - c[0]);
      [[COLOURS.halo, 6], [COLOURS.arrow, 3]].forEach(function (style) {
        ctx.strokeStyle = style[0]; ctx.fillStyle = style[0]; ctx.lineWidth = style[1];
        ctx.beginPath(); ctx.moveTo(c[0], c[1]); ctx.lineTo(e[0], e[1]); ctx.stroke();
        var head = style[1] === 6 ? 13 : 10;
        ctx.beginPath();
        ctx.moveTo(e[0] + Math.cos(ang) * 2, e[1] + Math.sin(ang) * 2);
        ctx.lineTo(e[0] - head * Math.cos(ang - 0.45), e[1] - head * Math.sin(ang - 0.45));
        ctx.lineTo(e[0] - head * Math.cos(ang + 0.45), e[1] - head * Math.sin(ang + 0.45));
        ctx.closePath(); ctx.fill();
      });
    }
    ctx.lineWidth = 2; ctx.strokeStyle = COLOURS.halo;
    ctx.fillStyle = p.found ? COLOURS.win : COLOURS.probe;
    ctx.beginPath();
    if (p.found) {
      ctx.moveTo(c[0], c[1] - 8); ctx.lineTo(c[0] + 8, c[1]); ctx.lineTo(c[0], c[1] + 8); ctx.lineTo(c[0] - 8, c[1]);
      ctx.closePath();
    } else {
      ctx.arc(c[0], c[1], 6, 0, 2 * Math.PI);
    }
    ctx.fill(); ctx.stroke();
    // the label: probe number and the reading, on a white tag
    var label = number + ": " + fmt(p.depth, 2) + " m";
    ctx.font = "bold 12px sans-serif";
    var w = ctx.measureText(label).width + 6;
    // on the side away from the arrow, inside the canvas
    var left = p.slope > 1e-9 && e[0] > c[0], below = p.slope > 1e-9 && e[1] < c[1];
    var lx = left ? c[0] - 8 - w : c[0] + 8, ly = below ? c[1] + 8 : c[1] - 24;
    lx = Math.min(Math.max(lx, 2), this.canvas.width - w - 2);
    ly = Math.min(Math.max(ly, 2), this.canvas.height - 18);
    ctx.fillStyle = "rgba(255,255,255,0.9)";
    ctx.fillRect(lx, ly, w, 16);
    ctx.fillStyle = COLOURS.ink; ctx.textAlign = "left"; ctx.textBaseline = "top";
    ctx.fillText(label, lx + 3, ly + 2);
    ctx.restore();
  };

  Game.prototype.state = function () {
    var self = this;
    var rect = this.canvas.getBoundingClientRect();
    var sx = rect.width / this.canvas.width, sy = rect.height / this.canvas.height;
    return {
      pit: this.name,
      found: this.found,
      over: this.over,
      revealed: this.revealed,
      maxProbes: this.pit.max_probes,
      probesLeft: this.pit.max_probes - this.probes.length,
      probes: this.probes.map(function (p) {
        var c = self.toPixel(p.x, p.y), e = self.arrowEnd(p);
        return {
          x: p.x, y: p.y, depth: p.depth, downhill: p.downhill, found: p.found,
          pixel: [c[0], c[1]], arrowEnd: [e[0], e[1]]
        };
      }),
      // where a world point lies on the page, relative to the canvas's top left corner
      scale: [sx, sy]
    };
  };

  // ---------------------------------------------------------------- start-up
  function init() {
    var root = document.getElementById("sandpit-game");
    var source = document.getElementById("sandpit-pits");
    if (!root || !source) return;
    var data = JSON.parse(source.textContent);
    var game = new Game(root, data);
    window.MvcalcSandpit = {
      data: data,
      game: game,
      depth: function (name, x) { return depth(data.pits[name], x); },
      gradient: function (name, x) { return gradient(data.pits[name], x); },
      state: function () { return game.state(); },
      toCanvasPixel: function (x, y) { return game.toPixel(x, y); }
    };
    root.setAttribute("data-ready", "true");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
