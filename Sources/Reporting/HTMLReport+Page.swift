import Tracking

/// The page around a report's sections: its head, style (light and dark), the chart data and
/// the inline script.
extension HTMLReport {
    func page(body: String, charts: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="generator" content="gradbook">\(options.live.map { "\n<meta http-equiv=\"refresh\" content=\"\(Int($0.seconds.rounded(.up)))\">" } ?? "")
        <title>\(escaped(options.title))</title>
        <style>
        :root { color-scheme: light dark; --page: #fff; }
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1000px; padding: 0 16px; color: #1d2127; background: #fff; }
        @media (prefers-color-scheme: dark) { :root { --page: #15181d; } svg.parallel g.lines, .by-value path.series { filter: brightness(1.7); } body { color: #dde1e6; background: #15181d; } th { background: #232830 !important; } tr.hit td { background: #3a3320 !important; } }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 6px; }
        .note { margin: 2px 0 10px; opacity: 0.75; }
        .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(460px, 1fr)); gap: 10px 18px; }
        figure { margin: 0; position: relative; } svg { max-width: 100%; height: auto; overflow: visible; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; font-size: 13px; }
        th, td { padding: 3px 8px; border-bottom: 1px solid rgba(127,127,127,0.25); text-align: left; white-space: nowrap; }
        th { position: sticky; top: 0; background: #f1f3f5; cursor: pointer; user-select: none; }
        th.asc::after { content: " ▲"; } th.desc::after { content: " ▼"; }
        .scroll { overflow-x: auto; max-height: 640px; overflow-y: auto; } td.num { text-align: right; } tr.hit td { background: #fff3c4; }
        .tip { position: absolute; pointer-events: none; display: none; background: rgba(20,22,26,0.92); color: #fff; font-size: 12px;
               padding: 5px 8px; border-radius: 4px; white-space: nowrap; z-index: 2; }
        .live { display: inline-block; padding: 3px 10px; border-radius: 4px; background: rgba(0,158,115,0.15); }
        .learned { margin: 8px 0 14px; } .learned-row { display: flex; flex-wrap: wrap; gap: 12px; align-items: flex-start; }
        .slider { display: block; margin-top: 4px; } .slider input { width: 320px; vertical-align: middle; }
        .scatters { display: flex; flex-wrap: wrap; gap: 8px 16px; } svg.parallel path.dim { stroke-opacity: 0.07; }
        table.gallery { width: auto; } table.gallery td, table.gallery th { padding: 2px 4px; text-align: center; } table.gallery svg { display: block; }
        a.cell { cursor: pointer; } .run { border-top: 1px solid rgba(127,127,127,0.3); margin-top: 24px; }
        </style>
        </head>
        <body>
        <h1>\(escaped(options.title))</h1>
        <p class="note">\(runs.count) run\(runs.count == 1 ? "" : "s") from \(escaped(store.path)). Hover a chart for its values.</p>
        \(options.live.map { "<p class=\"live\" data-running=\"\($0.running)\" data-written=\"\(Self.timestamp())\">Live: \($0.running) run\($0.running == 1 ? "" : "s") running; written \(Self.timestamp()), this page reloads every \(Int($0.seconds.rounded(.up))) s.</p>" } ?? "")
        \(body)
        <script type="application/json" id="chart-data">[\(charts.joined(separator: ","))]</script>
        <script>
        \(Self.script)
        </script>
        </body>
        </html>

        """
    }

    /// Sortable tables, the hover read-out, heat-map cells that highlight their runs, the epoch
    /// slider, and the brushes of parallel coordinates.
    static let script = """
        (function () {
          "use strict";
          document.querySelectorAll("table.sortable").forEach(function (table) {
            table.querySelectorAll("th").forEach(function (th, column) {
              th.addEventListener("click", function () {
                var ascending = !th.classList.contains("asc");
                table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
                th.classList.add(ascending ? "asc" : "desc");
                var body = table.tBodies[0];
                var rows = Array.prototype.slice.call(body.rows);
                rows.sort(function (a, b) {
                  var x = a.cells[column], y = b.cells[column];
                  var p = x.dataset.value, q = y.dataset.value, r;
                  if (p !== undefined && q !== undefined) { r = parseFloat(p) - parseFloat(q); }
                  else if (p !== undefined) { r = -1; } else if (q !== undefined) { r = 1; }
                  else { r = x.textContent.localeCompare(y.textContent); }
                  return ascending ? r : -r;
                });
                rows.forEach(function (row) { body.appendChild(row); });
              });
            });
          });
          var data = JSON.parse(document.getElementById("chart-data").textContent);
          data.forEach(function (chart) {
            var svg = document.getElementById(chart.id);
            if (!svg) { return; }
            var tip = document.createElement("div");
            tip.className = "tip";
            svg.parentNode.appendChild(tip);
            svg.addEventListener("mousemove", function (event) {
              var box = svg.getBoundingClientRect();
              var scale = svg.viewBox.baseVal.width / box.width;
              var x = (event.clientX - box.left) * scale;
              if (x < chart.x[2] || x > chart.x[3]) { tip.style.display = "none"; return; }
              var epoch = Math.round(chart.x[0] + (x - chart.x[2]) / (chart.x[3] - chart.x[2]) * (chart.x[1] - chart.x[0]));
              var lines = [];
              chart.series.forEach(function (s) {
                var best = null;
                s.points.forEach(function (p) { if (best === null || Math.abs(p[0] - epoch) < Math.abs(best[0] - epoch)) { best = p; } });
                if (best !== null && best[1] !== null && Math.abs(best[0] - epoch) <= Math.max(1, (chart.x[1] - chart.x[0]) / 100)) {
                  lines.push({ text: s.label + ": " + Number(best[1]).toPrecision(4), color: s.color, value: best[1] });
                }
              });
              if (lines.length === 0) { tip.style.display = "none"; return; }
              lines.sort(function (a, b) { return a.value - b.value; });
              tip.textContent = "";
              var head = document.createElement("div");
              head.textContent = "epoch " + epoch;
              tip.appendChild(head);
              lines.slice(0, 12).forEach(function (line) {
                var row = document.createElement("div"), swatch = document.createElement("span");
                swatch.textContent = "\\u25A0 ";
                swatch.style.color = line.color;
                row.appendChild(swatch);
                row.appendChild(document.createTextNode(line.text));
                tip.appendChild(row);
              });
              if (lines.length > 12) { var more = document.createElement("div"); more.textContent = "… " + (lines.length - 12) + " more"; tip.appendChild(more); }
              tip.style.display = "block";
              var left = event.clientX - box.left + 14;
              if (left + tip.offsetWidth > box.width) { left = event.clientX - box.left - tip.offsetWidth - 14; }
              tip.style.left = left + "px";
              tip.style.top = (event.clientY - box.top + 10) + "px";
            });
            svg.addEventListener("mouseleave", function () { tip.style.display = "none"; });
          });
          document.querySelectorAll("input.epoch-slider").forEach(function (slider) {
            var frames = JSON.parse(document.getElementById(slider.getAttribute("data-frames")).textContent);
            var box = document.getElementById(slider.getAttribute("data-target"));
            slider.addEventListener("input", function () {
              var f = frames[Number(slider.value)];
              box.querySelector("image.field").setAttribute("href", f.field);
              box.querySelectorAll("image.unit-field").forEach(function (image, k) { image.setAttribute("href", f.units[k]); });
              box.setAttribute("data-epoch", f.epoch);
              box.querySelector("svg.boundary").setAttribute("data-epoch", f.epoch);
              box.querySelector(".epoch-label").textContent = f.epoch;
              box.querySelector(".units-title").textContent = "Hidden units, epoch " + f.epoch;
            });
          });
          document.querySelectorAll("svg.parallel").forEach(function (svg) {
            var lines = Array.prototype.slice.call(svg.querySelectorAll("path.line"));
            var axes = Array.prototype.slice.call(svg.querySelectorAll("g.axis"));
            var brushes = {}, dragging = null;
            function height(event) {
              var p = svg.createSVGPoint();
              p.x = event.clientX; p.y = event.clientY;
              return p.matrixTransform(svg.getScreenCTM().inverse()).y;
            }
            function apply() {
              var kept = 0, any = Object.keys(brushes).length > 0;
              lines.forEach(function (line) {
                var ys = line.getAttribute("data-ys").split(",");
                var inside = Object.keys(brushes).every(function (k) {
                  var y = parseFloat(ys[k]);
                  return !isNaN(y) && y >= brushes[k][0] && y <= brushes[k][1];
                });
                line.classList.toggle("dim", !inside);
                if (inside) { kept += 1; }
              });
              svg.setAttribute("data-selected", kept);
              svg.querySelector(".selected-label").textContent = any ? kept + " of " + lines.length + " runs" : lines.length + " runs";
              document.querySelectorAll("tr.hit").forEach(function (row) { row.classList.remove("hit"); });
              if (!any) { return; }
              lines.forEach(function (line) {
                var row = document.getElementById("run-" + line.getAttribute("data-run"));
                if (row && !line.classList.contains("dim")) { row.classList.add("hit"); }
              });
            }
            function draw(k) {
              var mark = axes[k].querySelector("rect.brush"), b = brushes[k];
              if (!b) { mark.setAttribute("visibility", "hidden"); axes[k].removeAttribute("data-brush"); return; }
              mark.setAttribute("y", b[0]);
              mark.setAttribute("height", b[1] - b[0]);
              mark.setAttribute("visibility", "visible");
              axes[k].setAttribute("data-brush", b[0] + "," + b[1]);
            }
            axes.forEach(function (axis, k) {
              var area = axis.querySelector("rect.brush-area");
              area.addEventListener("mousedown", function (event) { dragging = { axis: k, from: height(event) }; event.preventDefault(); });
            });
            function move(event, done) {
              if (dragging === null) { return; }
              var k = dragging.axis, to = height(event);
              var top = parseFloat(axes[k].getAttribute("data-end")), bottom = parseFloat(axes[k].getAttribute("data-start"));
              var low = Math.max(top, Math.min(dragging.from, to)), high = Math.min(bottom, Math.max(dragging.from, to));
              if (high - low < 3) { if (done) { delete brushes[k]; } } else { brushes[k] = [low, high]; }
              draw(k);
              apply();
              if (done) { dragging = null; }
            }
            window.addEventListener("mousemove", function (event) { move(event, false); });
            window.addEventListener("mouseup", function (event) { move(event, true); });
          });
          // A live page reloads itself: it comes back where the reader was.
          if (document.querySelector("p.live")) {
            try {
              var place = sessionStorage.getItem("gradbook-scroll:" + location.pathname);
              if (place !== null) { window.scrollTo(0, Number(place)); }
              window.addEventListener("beforeunload", function () { sessionStorage.setItem("gradbook-scroll:" + location.pathname, String(window.scrollY)); });
            } catch (e) { /* no storage for this page: it reloads at the top */ }
          }
          document.querySelectorAll("a.cell").forEach(function (cell) {
            cell.addEventListener("click", function () {
              var ids = cell.getAttribute("data-runs").split(",");
              document.querySelectorAll("tr.hit").forEach(function (row) { row.classList.remove("hit"); });
              ids.forEach(function (id) { var row = document.getElementById("run-" + id); if (row) { row.classList.add("hit"); } });
            });
          });
        })();
        """
}
