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
    private func smallMultiples(_ info: ResultTable, _ charts: inout [String]) throws -> String {
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
    private func overlay(_ label: [Int64: String], _ charts: inout [String]) throws -> String {
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
    private func sweepAxes() throws -> [SweepAxis] {
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
    private func search(_ axes: [SweepAxis], grid: Bool) -> String {
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
    private func searchCurves(_ axes: [SweepAxis], _ charts: inout [String]) throws -> String {
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
    private func gradientFlow(_ charts: inout [String]) throws -> String {
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

    private func runsTable() throws -> String {
        let columns = try FilterParser.terms("id, name, status, \(options.rows.text), \(options.cols?.text ?? "lr"), param.seed, epochs_done, "
                                             + "train_loss, test_loss, selected(test_loss), selected_epoch(test_loss), selected_on(test_loss), test_accuracy, alerts")
        let table = try store.table(runs: runs, columns: columns)
        var out = "<section><h2>Runs</h2><p class=\"note\">Click a column to sort.</p><div class=\"scroll\"><table class=\"runs sortable\"><thead><tr>"
        out += table.columns.map { "<th>\(escaped($0.hasPrefix("param.") ? String($0.dropFirst(6)) : $0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for row in table.rows {
            out += "<tr id=\"run-\(row[0].text)\">" + row.map { cell in
                let number = cell.number.map { " data-value=\"\($0)\" class=\"num\"" } ?? ""
                let text = if case .real(let v) = cell { String(format: "%.5g", v) } else { cell.text }
                return "<td\(number)>\(escaped(text))</td>"
            }.joined() + "</tr>\n"
        }
        return out + "</tbody></table></div></section>\n"
    }

    private func alerts(_ label: [Int64: String]) throws -> String {
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

    /// One run's health: loss and accuracy, then per layer gradient norm (log), dead units,
    /// saturation and weight norm, alert epochs marked.
    private func details(_ run: Int64, label: String, _ charts: inout [String]) throws -> String {
        let diagnostics = try store.diagnostics(runs: [run])
        func column(_ name: String) -> Int { diagnostics.columns.firstIndex(of: name)! }
        let (epochCol, layerCol) = (column("epoch"), column("layer"))
        let layers = Set(diagnostics.rows.map { Self.id($0[layerCol]) }).sorted()
        func perLayer(_ statistic: String) -> [LineChart.Series] {
            let c = column(statistic)
            return layers.compactMap { layer in
                let points = diagnostics.rows.filter { Self.id($0[layerCol]) == layer }.compactMap { row in
                    row[c].number.map { CurvePoint(epoch: Int(Self.id(row[epochCol])), value: $0) }
                }
                // The diagnostics number layers from 1, the first hidden one, as `show` does.
                let name = layer == layers.last ? "output" : "layer \(layer)"
                return points.isEmpty ? nil : .init(label: name, color: Palette.color(Int(layer) - 1), points: points, run: run, metric: statistic)
            }
        }
        let alerts = try store.alertSummary(run: run)
        let markers = alerts.map { a in
            LineChart.Marker(epoch: a.firstEpoch,
                             label: "\(a.kind.rawValue) from epoch \(a.firstEpoch)\(a.layer >= 0 ? " (layer \(a.layer + 1))" : ""): \(a.firstMessage)",
                             color: Palette.color(for: a.severity))
        }
        var out = "<section class=\"run\"><h2 id=\"details-\(run)\">Run \(escaped(label))</h2>"
        out += alerts.isEmpty ? "<p class=\"note\">No alerts.</p>"
            : "<p class=\"note\">Dashed vertical lines: the epoch where an alert first fired.</p><ul class=\"alerts\">"
                + alerts.map { a in
                    "<li data-kind=\"\(escaped(a.kind.rawValue))\" data-severity=\"\(a.severity.rawValue)\"><b>\(escaped(a.kind.rawValue))</b> "
                        + "(\(a.severity.rawValue)\(a.layer >= 0 ? ", layer \(a.layer + 1)" : ""), epochs \(a.firstEpoch)–\(a.lastEpoch)): "
                        + "\(escaped(a.firstMessage))</li>"
                }.joined() + "</ul>"
        out += learned(run)
        out += "<div class=\"grid\">\n"
        var curves: [LineChart.Series] = [], accuracy: [LineChart.Series] = []
        let shown = Metric.standardCurves + [Metric.valLoss, .valAccuracy]
        for curve in try store.curves(run: run, metrics: shown.map(\.name)) where !curve.points.isEmpty {
            let train = curve.metric.hasPrefix("train"), validation = curve.metric.hasPrefix("val_")
            let s = LineChart.Series(label: curve.metric, color: Palette.color(train ? 0 : validation ? 2 : 1), points: curve.points,
                                     dashed: train, run: run, metric: curve.metric)
            if Metric.named(curve.metric).display == .fraction { accuracy.append(s) } else { curves.append(s) }
        }
        out += figure(LineChart(title: "loss", series: curves, markers: markers, width: 460, height: 240), id: "run\(run)-loss", &charts)
        if !accuracy.isEmpty {
            out += figure(LineChart(title: "accuracy", series: accuracy, markers: markers, yScale: .linear, width: 460, height: 240), id: "run\(run)-accuracy", &charts)
        }
        if !layers.isEmpty {
            out += figure(LineChart(title: "gradient norm per layer", series: perLayer("grad_norm_mean"), markers: markers, yScale: .log,
                                    width: 460, height: 240), id: "run\(run)-grad", &charts)
            let dead = perLayer("dead_units"), saturated = perLayer("saturated_fraction")
            if !dead.isEmpty {
                out += figure(LineChart(title: "dead units per layer", series: dead, markers: markers, yScale: .linear, width: 460, height: 240),
                              id: "run\(run)-dead", &charts)
            }
            if !saturated.isEmpty {
                out += figure(LineChart(title: "saturated share per layer", series: saturated, markers: markers, yScale: .linear, width: 460, height: 240),
                              id: "run\(run)-saturated", &charts)
            }
            out += figure(LineChart(title: "weight norm per layer", series: perLayer("weight_norm"), markers: markers, width: 460, height: 240),
                          id: "run\(run)-weights", &charts)
        }
        return out + "</div>" + (try histograms(run)) + "</section>\n"
    }

    /// A run's weights per layer and its hidden units' outputs on its training data, each at a
    /// few snapshots overlaid: how the distributions move through training.
    private func histograms(_ run: Int64) throws -> String {
        let stored = Array(Set(try store.snapshots(run: run).map(\.epoch))).sorted()
        let epochs = options.histogramEpochs.map { SnapshotRecord.nearest($0, in: stored) } ?? SnapshotRecord.spread(stored, count: 3)
        guard !epochs.isEmpty else { return "" }
        var weights: [Int: [Histogram.Series]] = [:], outputs: [Int: [Histogram.Series]] = [:]
        var failure: String?
        for (k, epoch) in epochs.enumerated() {
            for tensor in try store.snapshotTensors(run: run, epoch: epoch) where tensor.name == "weight" {
                weights[tensor.layer, default: []].append(.init(label: "epoch \(epoch)", color: Palette.color(k), values: tensor.values))
            }
            guard let activations, failure == nil else { continue }
            do {
                for (layer, values) in try activations.hiddenOutputs(run: run, epoch: epoch, examples: Self.histogramExamples).enumerated() {
                    outputs[layer, default: []].append(.init(label: "epoch \(epoch)", color: Palette.color(k), values: values))
                }
            } catch {
                failure = "\(error)"
            }
        }
        let last = weights.keys.max()
        let activation = Dictionary(try store.diagnostics(runs: [run]).rows.compactMap { row -> (Int, String)? in
            guard case .integer(let layer) = row[3] else { return nil }
            return (Int(layer) - 1, row[5].text)
        }, uniquingKeysWith: { a, _ in a })
        var out = "<h3>Weights and hidden outputs by layer</h3><p class=\"note\">At epochs \(epochs.map(String.init).joined(separator: ", "))"
            + (options.histogramEpochs == nil ? " (the first, middle and last snapshots; --histogram-epochs chooses)" : " (the nearest snapshots)")
            + "; bar heights: the share of the layer's values in each bin. Hidden outputs: on the first \(Self.histogramExamples) training examples.</p>"
            + "<div class=\"scatters\">"
        for layer in weights.keys.sorted() {
            let name = layer == last ? "output layer" : "layer \(layer + 1)"
            out += "<figure>" + Histogram(title: "\(name) weights", series: weights[layer]!).svg(id: "run\(run)-weights-\(layer + 1)") + "</figure>"
        }
        for layer in outputs.keys.sorted() {
            let kind = activation[layer].map { " (\($0))" } ?? ""
            out += "<figure>" + Histogram(title: "layer \(layer + 1) outputs\(kind)", series: outputs[layer]!).svg(id: "run\(run)-outputs-\(layer + 1)") + "</figure>"
        }
        out += "</div>"
        if let failure { out += "<p class=\"note\">No hidden outputs: \(escaped(failure))</p>" }
        return out
    }

    /// The pivot's grid of decision boundaries: in each cell, the run of the gallery's seed.
    private func gallery(_ pivot: Pivot) throws -> String {
        guard let fields else { return "" }
        let seeds = try store.table(runs: runs, columns: [Term(name: "id"), FilterParser.terms("param.seed")[0]]).rows
        let seed = Dictionary(uniqueKeysWithValues: seeds.map { (Self.id($0[0]), $0[1].number.map { Int64($0) }) })
        let chosen = options.gallerySeed ?? seeds.compactMap { $0[1].number.map { Int64($0) } }.min()
        var cells = "", drawn = 0
        for r in pivot.rowKeys {
            cells += "<tr><th>\(escaped(r.text))</th>"
            for c in pivot.colKeys {
                guard let cell = pivot[r, c], let run = cell.runs.first(where: { seed[$0] == chosen }) ?? cell.runs.first else {
                    cells += "<td></td>"
                    continue
                }
                let field: DecisionField?
                do { field = try fields.fields(run: run, frames: 1, resolution: Self.galleryResolution).last } catch {
                    cells += "<td class=\"note\">\(escaped("\(error)"))</td>"
                    continue
                }
                guard let field else { return "" }   // the sweep's runs are not on two input columns
                var chart = BoundaryChart(field: field, title: "\(pivot.rowTerm.text) = \(r.text), \(pivot.colTerm?.text ?? "") = \(c.text): run \(run), epoch \(field.epoch)")
                chart.size = 116
                chart.compact = true
                chart.publishesValues = false
                drawn += 1
                cells += "<td data-run=\"\(run)\"><a href=\"#run-\(run)\">" + chart.svg(id: "gallery-\(run)") + "</a></td>"
            }
            cells += "</tr>\n"
        }
        guard drawn > 0 else { return "" }
        let head = "<tr><th>\(escaped(pivot.rowTerm.text)) \\ \(escaped(pivot.colTerm?.text ?? ""))</th>"
            + pivot.colKeys.map { "<th>\(escaped($0.text))</th>" }.joined() + "</tr>\n"
        return "<section><h2>Decision boundaries by \(escaped(pivot.rowTerm.text))" + (pivot.colTerm.map { " × " + escaped($0.text) } ?? "") + "</h2>"
            + "<p class=\"note\">Each cell: the last snapshot of its run with seed \(chosen.map(String.init) ?? "?") (orange: the first class, blue: "
            + "the second; test points ringed black). Click one for its run.</p><div class=\"scroll\"><table class=\"gallery\">\n"
            + head + cells + "</table></div></section>\n"
    }

    /// What the run's network computes over the plane, with a slider through its snapshots.
    private func learned(_ run: Int64) -> String {
        guard let fields else { return "" }
        let frames: [DecisionField]
        do { frames = try fields.fields(run: run, frames: Self.frames, resolution: Self.frameResolution) } catch {
            return "<p class=\"note\">No decision boundary: \(escaped("\(error)"))</p>"
        }
        guard let last = frames.last else { return "" }
        var chart = BoundaryChart(field: last, title: "decision boundary")
        chart.publishesValues = false
        let json = frames.map { f -> String in
            let c = BoundaryChart(field: f, title: "")
            return "{\"epoch\":\(f.epoch),\"field\":\"\(c.image.dataURL)\",\"units\":[" + f.units.map { "\"" + c.image(of: $0).dataURL + "\"" }.joined(separator: ",") + "]}"
        }
        let id = "learned-\(run)"
        return "<figure class=\"learned\" id=\"\(id)\" data-epoch=\"\(last.epoch)\"><div class=\"learned-row\">" + chart.svg(id: "\(id)-boundary")
            + chart.unitsSVG(id: "\(id)-units") + "</div>"
            + "<label class=\"slider\">epoch <input type=\"range\" class=\"epoch-slider\" min=\"0\" max=\"\(frames.count - 1)\" value=\"\(frames.count - 1)\" "
            + "data-target=\"\(id)\" data-frames=\"\(id)-frames\"> <span class=\"epoch-label\">\(last.epoch)</span> "
            + "<span class=\"note\">(\(frames.count) frames spread over its snapshots, epochs \(frames.first!.epoch)–\(last.epoch))</span></label>"
            + "<script type=\"application/json\" id=\"\(id)-frames\">[" + json.joined(separator: ",") + "]</script></figure>\n"
    }

    private func figure(_ chart: LineChart, id: String, _ charts: inout [String]) -> String {
        charts.append(chart.json(id: id))
        return "<figure class=\"chart-box\">" + chart.svg(id: id) + "</figure>\n"
    }

    // MARK: - Page

    private func page(body: String, charts: [String]) -> String {
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
