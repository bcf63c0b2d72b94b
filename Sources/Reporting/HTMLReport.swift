import Foundation
public import Tracking

/// One self-contained HTML file about a selection of runs: no network fetches, inline SVG,
/// inline CSS that follows the reader's light or dark scheme, and a little inline JavaScript
/// (sortable table, hover read-out on charts, heat-map cells that highlight their runs).
///
/// For a sweep: the heat map of the pivot, loss curves per column value coloured by row value,
/// the runs table and the alerts. For a few runs: per run, loss and accuracy, per-layer
/// gradient norms on a log scale with alert epochs marked, dead units, saturation and weight norms.
public struct HTMLReport {
    public struct Options: Sendable {
        /// The heat map and the small multiples: rows (colour), columns (panels), the value.
        public var rows = Term(name: "activation")
        public var cols: Term? = Term(name: "lr")
        public var value = Term(name: "test_loss", function: "best")
        /// Runs with a detailed health section (the first ones of the selection).
        public var details = 6
        public var title = "Gradbook report"
        /// The seed whose runs the sweep's gallery of decision boundaries draws (nil: the lowest).
        public var gallerySeed: Int64?
        /// The epochs of a detailed run's weight and activation histograms, each taken at the
        /// nearest snapshot (nil: the first, middle and last snapshots).
        public var histogramEpochs: [Int]?
        /// While runs are running: the page reloads itself (nil: a finished page).
        public var live: Live?

        public init() {}
    }

    /// A page that is being rewritten: it reloads every `seconds`, keeping the reader's place.
    public struct Live: Sendable {
        public var seconds: Double
        public var running: Int

        public init(seconds: Double, running: Int) {
            self.seconds = seconds
            self.running = running
        }
    }

    let store: RunStore
    let runs: [Int64]
    let options: Options
    /// Whether the runs are a sweep: the heat map and small multiples come first.
    let sweepView: Bool
    /// What the networks compute over the plane, for runs on two input columns.
    let fields: (any FieldSource)?
    /// What the networks' hidden layers output on their training data.
    let activations: (any ActivationSource)?

    /// Frames behind a run's epoch slider, and grid points per side of a frame and of a gallery's
    /// boundary: what keeps a report of a few runs within a few megabytes (each frame's field and
    /// hidden units are PNGs in the page, about 20 KB a frame for a 2-8-8-1 net).
    static let frames = 21, frameResolution = 32, galleryResolution = 32
    /// Training examples behind a run's activation histograms.
    static let histogramExamples = 2000

    public init(store: RunStore, runs: [Int64], sweep: Bool, options: Options = Options(), fields: (any FieldSource)? = nil,
                activations: (any ActivationSource)? = nil) {
        self.store = store
        self.runs = runs
        self.options = options
        sweepView = sweep
        self.fields = fields
        self.activations = activations
    }

    public func html() throws -> String {
        var body = ""
        var charts: [String] = []
        let info = try store.table(runs: runs, columns: [Term(name: "id"), Term(name: "name"), Term(name: "sweep"), options.rows,
                                                         options.cols ?? Term(name: "id")])
        let label = Dictionary(uniqueKeysWithValues: info.rows.map { row in (Self.id(row[0]), "\(row[0].text) \(row[1].text)") })
        if sweepView {
            let pivot = try Pivot(store: store, runs: runs, rows: options.rows, cols: options.cols, value: options.value)
            let axes = try sweepAxes()
            if pivot.isGrid {
                body += "<section><h2>\(escaped(options.value.text)) by \(escaped(options.rows.text))"
                    + (options.cols.map { " × " + escaped($0.text) } ?? "") + "</h2>"
                    + "<p class=\"note\">\(escaped(PivotTable(pivot).caption)). Each cell: \(escaped(MeanEstimate.legend)) over its runs; "
                    + "click a cell to highlight its runs below.</p>"
                    + HeatMap(pivot: pivot, title: "\(options.value.text), mean over runs").svg(id: "heatmap") + "</section>\n"
                body += try gallery(pivot)
            }
            if !pivot.isGrid || axes.count > 3 { body += search(axes, grid: pivot.isGrid) }
            body += pivot.isGrid ? try smallMultiples(info, &charts) : try searchCurves(axes, &charts)
            body += try gradientFlow(&charts)
        } else {
            body += try overlay(label, &charts)
        }
        body += try runsTable()
        body += try alerts(label)
        for run in runs.prefix(options.details) { body += try details(run, label: label[run] ?? "\(run)", &charts) }
        return page(body: body, charts: charts)
    }

    /// Now, to the second, in UTC.
    static func timestamp() -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date())
    }

    static func id(_ cell: Tracking.Cell) -> Int64 { if case .integer(let v) = cell { v } else { 0 } }

    // MARK: - Sections

    /// Train (dashed) and test (solid) loss, one panel per column value, coloured by row value:
    /// runs that differ only by seed as one mean line with a ±std band, every panel on one y range.
    func smallMultiples(_ info: ResultTable, _ charts: inout [String]) throws -> String {
        let rowKeys = Pivot.sortedKeys(Set(info.rows.map { $0[3] })), colKeys = Pivot.sortedKeys(Set(info.rows.map { $0[4] }))
        let colour = Dictionary(uniqueKeysWithValues: rowKeys.enumerated().map { ($1, Palette.color($0)) })
        let rowName = options.rows.text, colName = options.cols?.text
        // Groups inside a panel: everything that varies but the seed and the panel's own column.
        let parameter = { (t: Term) in t.name.hasPrefix("param.") ? String(t.name.dropFirst(6)) : t.name }
        let varied = try CurveGroup.varied(store: store, runs: runs).filter { $0 != options.cols.map(parameter) }
        let by = [parameter(options.rows)] + varied.filter { $0 != parameter(options.rows) }
        var panels: [(title: String, series: [LineChart.Series])] = []
        for col in (options.cols == nil ? [Tracking.Cell.null] : colKeys) {
            let members = info.rows.filter { options.cols == nil || $0[4] == col }.map { Self.id($0[0]) }
            var series: [LineChart.Series] = []
            for metric in [Metric.trainLoss.name, Metric.testLoss.name] {
                for group in try CurveGroup.groups(store: store, runs: members, by: by, metric: metric, band: .std) where !group.mean.isEmpty {
                    let row = info.rows.first { Self.id($0[0]) == group.runs[0] }?[3] ?? .null
                    series.append(LineChart.Series(group, label: group.label, color: colour[row] ?? Palette.color(0),
                                                   dashed: metric == Metric.trainLoss.name, band: .std))
                }
            }
            panels.append((colName.map { "\($0) = \(col.text)" } ?? "loss", series))
        }
        let shared = panels.flatMap { $0.series.flatMap(\.values) }
        var out = "<section><h2>Loss curves by \(escaped(colName ?? "run"))</h2><p class=\"note\">Colour: "
            + escaped(rowName) + "; solid: test loss, dashed: train loss; runs that differ only by seed: their mean, the band ±1 std. "
            + "Every panel on one y range.</p><div class=\"grid\">\n"
        for panel in panels {
            var chart = LineChart(title: panel.title, series: panel.series, width: 460, height: 250)
            chart.sharedValues = shared
            chart.legend = rowKeys.map { (label: "\(rowName) = \($0.text)", color: colour[$0] ?? Palette.color(0), dashed: false) }
            chart.note = CurveGroup.Band.std.legend
            out += figure(chart, id: "loss-\(charts.count)", &charts)
        }
        return out + "</div></section>\n"
    }

    /// Loss and accuracy of every run on two charts: runs that differ only by seed as one
    /// mean line with a ±std band, coloured and named by what varies.
    func overlay(_ label: [Int64: String], _ charts: inout [String]) throws -> String {
        let by = try CurveGroup.varied(store: store, runs: runs)
        var loss: [LineChart.Series] = [], accuracy: [LineChart.Series] = []
        var legend: [(label: String, color: String, dashed: Bool)] = []
        var colours: [String: String] = [:]
        for metric in Metric.standardCurves.map(\.name) {
            let fraction = Metric.named(metric).display == .fraction
            for found in try CurveGroup.groups(store: store, runs: runs, by: by, metric: metric, band: .std) where !found.mean.isEmpty {
                let group = fraction ? found.clamped(to: 0...1) : found
                let name = by.isEmpty && group.runs.count == 1 ? (label[group.runs[0]] ?? group.label) : group.label
                let color = colours[name] ?? Palette.color(colours.count)
                if colours[name] == nil { colours[name] = color; legend.append((name, color, false)) }
                let s = LineChart.Series(group, label: name, color: color, dashed: metric.hasPrefix("train"), band: .std)
                if fraction { accuracy.append(s) } else { loss.append(s) }
            }
        }
        let grouped = runs.count > colours.count
        var out = "<section><h2>Curves</h2><p class=\"note\">Solid: test, dashed: train"
            + (grouped ? "; runs that differ only by seed: their mean, the band ±1 std" : "") + ".</p><div class=\"grid\">\n"
        var lossChart = LineChart(title: "loss", series: loss, width: 460, height: 260)
        lossChart.legend = legend
        if grouped { lossChart.note = CurveGroup.Band.std.legend }
        out += figure(lossChart, id: "loss", &charts)
        if !accuracy.isEmpty {
            var chart = LineChart(title: "accuracy", series: accuracy, yScale: .linear, width: 460, height: 260)
            chart.legend = legend
            if grouped { chart.note = CurveGroup.Band.std.legend }
            out += figure(chart, id: "accuracy", &charts)
        }
        return out + "</div></section>\n"
    }

    /// One axis per hyperparameter that varies (but the seed), in ``SweepAxis/ordered(_:)``
    /// order, then the report's value: one value per run of ``runs``.
    func sweepAxes() throws -> [SweepAxis] {
        let names = SweepAxis.ordered(try CurveGroup.varied(store: store, runs: runs))
        let columns = try names.map { try FilterParser.terms("param.\($0)")[0] }
        let table = try store.table(runs: runs, columns: [Term(name: "id")] + columns + [options.value])
        let row = Dictionary(table.rows.map { (Self.id($0[0]), $0) }, uniquingKeysWith: { a, _ in a })
        return (names + [options.value.text]).enumerated().map { k, name in
            SweepAxis(name: name, values: runs.map { row[$0]?[k + 1] ?? .null })
        }
    }

    /// A random search, or a sweep with more than two axes: parallel coordinates over every axis,
    /// and the value against each hyperparameter.
    func search(_ axes: [SweepAxis], grid: Bool) -> String {
        let metric = axes.last!, hyperparameters = axes.dropLast()
        guard !hyperparameters.isEmpty else { return "" }
        let colour = hyperparameters.first { $0.kind == .category && $0.categories.count > 1 }
        let why = grid ? "More than two hyperparameters vary: the heat map above averages over the others."
            : "These runs do not form a grid of \(options.rows.text) × \(options.cols?.text ?? "") (a random search draws its values), so no heat map."
        var out = "<section><h2>\(escaped(metric.name)) across every hyperparameter</h2><p class=\"note\">\(escaped(why)) "
            + "One line per run through its value of each hyperparameter; drag along an axis to keep a range, and its runs light up in the table below.</p>"
            + "<div class=\"scroll\">" + ParallelCoordinates(runs: runs, axes: axes, goal: Metric.named(options.value.name).goal,
                                                        title: "\(metric.name) by \(hyperparameters.map(\.name).joined(separator: ", "))").svg(id: "parallel")
            + "</div>"
        out += "<h2>\(escaped(metric.name)) against each hyperparameter</h2><p class=\"note\">One dot per run"
            + (colour.map { c in "; colour: " + c.categories.enumerated().map { i, v in
                "<span style=\"color: \(Palette.color(i))\">●</span> \(escaped(c.name)) = \(escaped(v))" }.joined(separator: ", ") } ?? "")
            + ".</p><div class=\"scatters\">"
        for (k, axis) in hyperparameters.enumerated() {
            out += "<figure>" + HyperparameterScatter(runs: runs, x: axis, y: metric, color: colour, title: "\(metric.name) by \(axis.name)")
                .svg(id: "scatter-\(k)") + "</figure>"
        }
        return out + "</div></section>\n"
    }

    /// The test loss of a search's runs (repeats over seeds as one mean line), one panel per value of
    /// the report's row term where it is a category with a few values, coloured by the report's
    /// value (viridis, the better end bright); every panel on one y range.
    func searchCurves(_ axes: [SweepAxis], _ charts: inout [String]) throws -> String {
        let metric = axes.last!
        let names = axes.dropLast().map(\.name)
        let rows = axes.first { $0.name == options.rows.text && $0.kind == .category && $0.categories.count <= 8 }
        let value = Dictionary(zip(runs, metric.values.map(\.number)), uniquingKeysWith: { a, _ in a })
        let known = metric.values.compactMap(\.number).filter(\.isFinite)
        let goal = Metric.named(options.value.name).goal
        let (worst, best) = goal == .minimize ? (known.max() ?? 1, known.min() ?? 0) : (known.min() ?? 0, known.max() ?? 1)
        var panels: [(title: String, series: [LineChart.Series])] = []
        for category in rows?.categories ?? [""] {
            let members = rows.map { r in zip(runs, r.values).filter { $0.1.text == category }.map(\.0) } ?? runs
            var series: [LineChart.Series] = []
            for group in try CurveGroup.groups(store: store, runs: members, by: names, metric: Metric.testLoss.name, band: .none) where !group.mean.isEmpty {
                let values = group.runs.compactMap { value[$0] ?? nil }.filter(\.isFinite)
                let mean = values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
                let t = mean.map { best == worst ? 1 : ($0 - worst) / (best - worst) }
                series.append(LineChart.Series(group, label: group.label, color: t.map(Palette.viridis) ?? "#999999", band: .none))
            }
            // The best drawn last, on top.
            panels.append((rows.map { "\($0.name) = \(category)" } ?? "test loss", series.reversed()))
        }
        let shared = panels.flatMap { $0.series.flatMap(\.values) }
        var out = "<section class=\"by-value\"><h2>Test loss of every run</h2><p class=\"note\">Colour: \(escaped(metric.name)), bright = better; runs that differ only "
            + "by seed: their mean. Every panel on one y range; hover for the settings.</p><div class=\"grid\">\n"
        for panel in panels {
            var chart = LineChart(title: panel.title, series: panel.series, width: 460, height: 250)
            chart.sharedValues = shared
            chart.legend = []
            out += figure(chart, id: "loss-\(charts.count)", &charts)
        }
        return out + "</div></section>\n"
    }

    /// Gradient flow: each layer's gradient norm against epoch on one log range, a panel per
    /// value of the report's row term (the activation) — where vanishing gradients show, the early
    /// layers' lines falling below the output's. Each line is the geometric mean over the panel's
    /// runs (every learning rate and seed), which a log axis reads as their typical value.
    func gradientFlow(_ charts: inout [String]) throws -> String {
        let statistic = "grad_norm_mean"
        let diagnostics = try store.diagnostics(runs: runs)
        guard !diagnostics.rows.isEmpty else { return "" }
        let c = { (name: String) in diagnostics.columns.firstIndex(of: name)! }
        let (runCol, epochCol, layerCol, valueCol) = (c("run_id"), c("epoch"), c("layer"), c(statistic))
        let info = try store.table(runs: runs, columns: [Term(name: "id"), options.rows])
        let rowValue = Dictionary(info.rows.map { (Self.id($0[0]), $0[1]) }, uniquingKeysWith: { a, _ in a })
        // Each run's last layer is its output, whatever its depth: nets of one and two hidden layers share that line.
        let output = Int64.max
        var depth: [Int64: Int64] = [:]
        for row in diagnostics.rows { depth[Self.id(row[runCol])] = max(depth[Self.id(row[runCol])] ?? 0, Self.id(row[layerCol])) }
        var logs: [Tracking.Cell: [Int64: [Int: [Double]]]] = [:]   // row value → layer → epoch → log10 values
        for row in diagnostics.rows {
            guard let v = row[valueCol].number, v > 0, v.isFinite else { continue }
            let run = Self.id(row[runCol]), layer = Self.id(row[layerCol])
            logs[rowValue[run] ?? .null, default: [:]][layer == depth[run] ? output : layer, default: [:]][Int(Self.id(row[epochCol])), default: []]
                .append(log10(v))
        }
        let layers = Set(logs.values.flatMap(\.keys)).sorted()
        let name = { (layer: Int64) in layer == output ? "output" : "layer \(layer)" }
        let colour = { (layer: Int64) in Palette.color(layer == output ? layers.count - 1 : Int(layer) - 1) }
        var panels: [(title: String, series: [LineChart.Series], runs: Int)] = []
        for key in Pivot.sortedKeys(Set(logs.keys)) {
            let members = rowValue.filter { $0.value == key }.count
            let series = logs[key]!.keys.sorted().map { layer -> LineChart.Series in
                let points = logs[key]![layer]!.sorted { $0.key < $1.key }.map { epoch, values in
                    CurvePoint(epoch: epoch, value: pow(10, values.reduce(0, +) / Double(values.count)))
                }
                return LineChart.Series(label: name(layer), color: colour(layer), points: points, metric: statistic)
            }
            panels.append(("\(options.rows.text) = \(key.text)", series, members))
        }
        let shared = panels.flatMap { $0.series.flatMap(\.values) }
        var out = "<section><h2>Gradient flow by \(escaped(options.rows.text))</h2><p class=\"note\">Each layer's mean gradient norm per epoch, "
            + "the geometric mean over the panel's runs; one log range for every panel. Early layers far below the output: vanishing gradients.</p>"
            + "<div class=\"grid\">\n"
        for panel in panels {
            var chart = LineChart(title: "\(panel.title) (\(panel.runs) run\(panel.runs == 1 ? "" : "s"))", series: panel.series, yScale: .log, width: 460, height: 240)
            chart.sharedValues = shared
            chart.legend = layers.map { (label: name($0), color: colour($0), dashed: false) }
            out += figure(chart, id: "flow-\(charts.count)", &charts)
        }
        return out + "</div></section>\n"
    }

    func runsTable() throws -> String {
        let columns = try FilterParser.terms("id, name, status, \(options.rows.text), \(options.cols?.text ?? "lr"), param.seed, epochs_done, "
                                             + "train_loss, test_loss, selected(test_loss), selected_epoch(test_loss), selected_on(test_loss), test_accuracy, alerts")
        let table = try store.table(runs: runs, columns: columns)
        var out = "<section><h2>Runs</h2><p class=\"note\">Click a column to sort.</p><div class=\"scroll\"><table class=\"runs sortable\"><thead><tr>"
        out += table.columns.map { "<th>\(escaped($0.hasPrefix("param.") ? String($0.dropFirst(6)) : $0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in table.rows {
            out += "<tr id=\"run-\(row[0].text)\">" + row.map { cell in
                let number = cell.number.map { " data-value=\"\($0)\" class=\"num\"" } ?? ""
                let text = if case .real(let v) = cell { TableWriter.display(v) } else { cell.text }
                return "<td\(number)>\(escaped(text))</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</tbody></table></div></section>\n"
    }

    func alerts(_ label: [Int64: String]) throws -> String {
        var rows = ""
        for run in runs {
            for a in try store.alertSummary(run: run) {
                rows += "<tr><td><a href=\"#run-\(run)\">\(escaped(label[run] ?? "\(run)"))</a></td><td>\(escaped(a.kind.rawValue))</td>"
                    + "<td>\(a.layer < 0 ? "run" : "\(a.layer + 1)")</td><td class=\"num\">\(a.firstEpoch)</td><td class=\"num\">\(a.lastEpoch)</td>"
                    + "<td class=\"num\">\(a.epochs)</td><td>\(escaped(a.firstMessage))</td></tr>\n"
            }
        }
        guard !rows.isEmpty else { return "<section><h2>Alerts</h2><p>No alert fired in these runs.</p></section>\n" }
        return "<section><h2>Alerts</h2><div class=\"scroll\"><table class=\"sortable\"><thead><tr><th>run</th><th>alert</th><th>layer</th><th>first epoch</th>"
            + "<th>last epoch</th><th>epochs</th><th>first message</th></tr></thead><tbody>\n" + rows + "</tbody></table></div></section>\n"
    }

    func figure(_ chart: LineChart, id: String, _ charts: inout [String]) -> String {
        charts.append(chart.json(id: id))
        return "<figure class=\"chart-box\">" + chart.svg(id: id) + "</figure>\n"
    }
}
