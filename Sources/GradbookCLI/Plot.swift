import ArgumentParser
import Foundation
import Experiments
import Neural
import Reporting
import Tracking

/// `gradbook plot SELECTION --metric test_loss -o curves.svg`: one chart for a paper;
/// `gradbook plot RUN --boundary -o b.svg`: what a run's network draws over the plane.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw one metric of the selected runs as a standalone SVG chart (or PNG, through rsvg-convert).",
        discussion: """
            A file ending in .png is rendered with rsvg-convert (Debian: apt-get install librsvg2-bin). \
            The y axis is logarithmic when the values span more than about a decade, unless --scale says otherwise.
            With --boundary, one run on two input columns (a built-in 2-D set, or a CSV file with two input columns): \
            its network's output over the plane as the TensorFlow Playground draws it (orange for the first class, blue \
            for the second; training points ringed white, test points black), and below it each hidden unit's own \
            output, layer by layer, from the snapshot of --epoch (default: the last; --best: the selected epoch's).
              gradbook plot 12 --boundary --best -o boundary.svg
            With --interpolate, one run: its training and test loss along the straight line from its initial weights \
            (α = 0) to those of --epoch (default: the last snapshot; --best: the selected epoch's), or with --with RUN \
            from its weights to RUN's (the same network), on the first run's data; a file ending in .csv gets the numbers.
              gradbook plot 12 --interpolate -o line.svg
              gradbook plot 12 --interpolate --with 13 -o between.csv
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("The metric, or several comma-separated.", valueName: "names"))
    var metric = "test_loss"

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The file to write, .svg or .png (with --interpolate also .csv): "
                                                                      + "\(OutputTarget.help).", valueName: "file"))
    var output = "curves.svg"

    @Option(help: "auto, linear or log.")
    var scale = "auto"

    @Option(help: "Width in pixels (SVG units).")
    var width = 720.0

    @Option(help: "Height of the plot area in pixels.")
    var height = 400.0

    @Option(name: .customLong("group-by"), help: ArgumentHelp(
        "Hyperparameters whose values make a group, comma-separated: a group's runs (its seeds) drawn as their mean with a band; "
            + "'none' for a line per run. (default: every hyperparameter that varies between the runs but the seed)", valueName: "names"))
    var groupBy: String?

    @Option(name: .customLong("color-by"), help: ArgumentHelp("The hyperparameter whose values colour the lines and name the legend "
                                                              + "(added to the grouping). (default: a colour per group)", valueName: "name"))
    var colorBy: String?

    @Option(help: "The band around a group's mean: std (±1 standard deviation over its runs), minmax or none.")
    var band = "std"

    @Flag(help: "Draw one run's decision boundary and hidden units instead of curves.")
    var boundary = false

    @Flag(help: "Draw one run's loss along the straight line between two of its weight settings (initial to final) instead of curves.")
    var interpolate = false

    @Option(name: .customLong("with"), help: ArgumentHelp("With --interpolate: the line ends at this run's weights (the last snapshot) "
                                                          + "instead of the first run's initial ones.", valueName: "run"))
    var other: String?

    @Option(help: ArgumentHelp("With --interpolate: the line's steps (points: steps + 1).", valueName: "n"))
    var steps = 40

    @Option(help: "With --boundary or --interpolate: the epoch of the snapshot (0 = the initial weights). (default: the last snapshot)")
    var epoch: Int?

    @Flag(help: "With --boundary or --interpolate: the best snapshot (the selected epoch).")
    var best = false

    @OptionGroup var resources: ResourceOptions

    func validate() throws {
        if !["auto", "linear", "log"].contains(scale) { throw ValidationError("invalid --scale '\(scale)': expected auto, linear or log") }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if ext != "svg" && ext != "png" && !(interpolate && ext == "csv") {
            throw ValidationError("invalid --output '\(output)': expected a file ending in .svg or .png\(interpolate ? " or .csv" : "")")
        }
        if !(200...20_000).contains(width) || !(120...20_000).contains(height) {
            throw ValidationError("invalid --width \(width) or --height \(height): expected a width of 200 to 20000 and a height of 120 to 20000")
        }
        if CurveGroup.Band(rawValue: band) == nil {
            throw ValidationError("invalid --band '\(band)': expected \(CurveGroup.Band.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if boundary && interpolate { throw ValidationError("--boundary and --interpolate draw different pictures; give one") }
        if !boundary && !interpolate && (epoch != nil || best) {
            throw ValidationError("--epoch and --best choose the snapshot of --boundary or --interpolate; add one of them")
        }
        if !interpolate && (other != nil || steps != 40) { throw ValidationError("--with and --steps belong to --interpolate; add --interpolate") }
        if !(1...1000).contains(steps) { throw ValidationError("invalid --steps \(steps): expected 1 to 1000") }
        if epoch != nil && best { throw ValidationError("--epoch and --best both choose the snapshot; give one") }
    }

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        if boundary { return try drawBoundary(db) }
        if interpolate { return try drawLine(db) }
        let metrics = metric.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        try db.checkMetrics(metrics)
        let ids = try selection.select(in: db)
        guard !ids.isEmpty else { throw SelectionError.noMatch }
        let by = try grouping(db, ids)
        let band = CurveGroup.Band(rawValue: band)!
        var series: [LineChart.Series] = []
        var legend: [(label: String, color: String, dashed: Bool)] = []
        var colours: [String: String] = [:]
        for metric in metrics {
            for group in try CurveGroup.groups(store: db, runs: ids, by: by, metric: metric, band: band) where !group.mean.isEmpty {
                // The legend names values, never runs: the colour-by values, or each group.
                let key = colorBy.map { "\($0) = \(group.value(of: $0) ?? "")" } ?? group.label
                let color = colours[key] ?? Palette.color(colours.count)
                if colours[key] == nil { colours[key] = color; legend.append((key, color, false)) }
                let label = group.label + (metrics.count > 1 ? " \(metric)" : "")
                series.append(LineChart.Series(group, label: label, color: color, dashed: metrics.count > 1 && metric != metrics[0], band: band))
            }
        }
        var chart = LineChart(title: metrics.joined(separator: ", "), series: series,
                              yScale: scale == "auto" ? nil : Scale.Kind(rawValue: scale), width: width, height: height)
        chart.legend = legend + (metrics.count > 1 ? metrics.dropFirst().map { ("dashed: \($0)", "#888888", true) } : [])
        if series.contains(where: { $0.band != nil }) { chart.note = band.legend }
        // A standalone file: a background and a text colour instead of the page's.
        try write(chart.svg(id: "plot"), db)
    }

    /// The hyperparameters that group the runs: `--group-by` (checked against the runs' own), by
    /// default every one that varies but the seed; `--color-by` joins them.
    private func grouping(_ db: RunStore, _ ids: [Int64]) throws -> [String] {
        let known = Set(try ids.flatMap { try db.params(run: $0).keys })
        var by: [String]
        switch groupBy?.trimmingCharacters(in: .whitespaces) {
        case nil: by = try CurveGroup.varied(store: db, runs: ids)
        case "none": by = try CurveGroup.varied(store: db, runs: ids) + [CurveGroup.seedParameter]
        case let text?: by = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        if let colorBy, !by.contains(colorBy) { by.insert(colorBy, at: 0) }
        for name in by where !known.contains(name) {
            throw ValidationError("invalid --group-by or --color-by '\(name)': expected a hyperparameter of these runs ("
                + known.sorted().prefix(30).joined(separator: ", ") + ")")
        }
        return by
    }

    /// One run's decision boundary and its hidden units, from one snapshot.
    private func drawBoundary(_ db: RunStore) throws {
        let ids = try selection.select(in: db)
        guard ids.count == 1 else {
            throw ValidationError("--boundary draws one run; the selection has \(ids.count) (name one run, or narrow it with --limit 1)")
        }
        let run = try db.run(String(ids[0]))
        let epoch = try SnapshotSelection.epoch(of: run, in: db, epoch: epoch, best: best)
        let field = try DecisionField.frames(store: db, run: run, epochs: [epoch], resolution: DecisionField.resolution,
                                             memory: resources.memory())[0]
        let chart = BoundaryChart(field: field, title: "run \(run.id)\(run.name.map { " " + $0 } ?? ""), epoch \(epoch)")
        try write(chart.standalone(id: "boundary"), db)
    }

    /// One run's loss along the line between two weight settings, as a chart or CSV.
    private func drawLine(_ db: RunStore) throws {
        let ids = try selection.select(in: db)
        guard ids.count == 1 else {
            throw ValidationError("--interpolate starts from one run; the selection has \(ids.count) (name one run, and the other with --with)")
        }
        let run = try db.run(String(ids[0]))
        let from: WeightLine.End, to: WeightLine.End
        if let other {
            let end = try db.run(other)
            from = WeightLine.End(run: run, epoch: try SnapshotSelection.epoch(of: run, in: db, epoch: epoch, best: best))
            to = WeightLine.End(run: end, epoch: try SnapshotSelection.epoch(of: end, in: db, epoch: nil, best: best))
        } else {
            from = WeightLine.End(run: run, epoch: try SnapshotSelection.epoch(of: run, in: db, epoch: 0, best: false))
            to = WeightLine.End(run: run, epoch: try SnapshotSelection.epoch(of: run, in: db, epoch: epoch, best: best))
        }
        let line = try WeightLine(store: db, from: from, to: to, steps: steps, memory: resources.memory().maxDataValues())
        let name = { (e: WeightLine.End) in "run \(e.run.id)\(e.run.name.map { " " + $0 } ?? "") epoch \(e.epoch)" }
        if output.lowercased().hasSuffix(".csv") {
            let accuracy = line.points.contains { $0.train.accuracy != nil }, test = line.points.contains { $0.test != nil }
            let columns = ["alpha", "train_loss"] + (test ? ["test_loss"] : []) + (accuracy ? ["train_accuracy"] + (test ? ["test_accuracy"] : []) : [])
            let rows: [[Tracking.Cell]] = line.points.map { p in
                var row: [Tracking.Cell] = [.real(p.alpha), .real(p.train.loss)]
                if test { row.append(p.test.map { .real($0.loss) } ?? .null) }
                if accuracy {
                    row.append(p.train.accuracy.map(Tracking.Cell.real) ?? .null)
                    if test { row.append(p.test?.accuracy.map(Tracking.Cell.real) ?? .null) }
                }
                return row
            }
            try TableWriter(format: .csv, sink: OutputSink.file(output, protecting: db.path)).write(ResultTable(columns: columns, rows: rows))
            return Console.out(output)
        }
        // Points at step k of the line; the x axis shows α = k / steps.
        let points = { (value: (WeightLine.Point) -> Double?) in
            line.points.enumerated().compactMap { k, p in value(p).map { CurvePoint(epoch: k, value: $0) } }
        }
        var series = [LineChart.Series(label: "train_loss", color: Palette.color(0), points: points { $0.train.loss }, dashed: true, metric: "train_loss")]
        if line.points.contains(where: { $0.test != nil }) {
            series.append(LineChart.Series(label: "test_loss", color: Palette.color(1), points: points { $0.test?.loss }, metric: "test_loss"))
        }
        var chart = LineChart(title: "loss from \(name(from)) (α = 0) to \(name(to)) (α = 1)", series: series,
                              yScale: scale == "auto" ? nil : Scale.Kind(rawValue: scale), width: width, height: height)
        chart.xLabel = "α"
        chart.xUnit = 1 / Double(steps)
        try write(chart.svg(id: "interpolation"), db)
    }

    /// Writes an SVG (or its PNG) as a standalone file: a background and a text colour instead of a page's.
    private func write(_ svg: String, _ db: RunStore) throws {
        let svg = svg.replacingOccurrences(of: "role=\"img\"", with: "role=\"img\" color=\"#1d2127\" style=\"background:#fff\"", options: [], range: svg.range(of: "role=\"img\""))
        let data = output.lowercased().hasSuffix(".png") ? try PNGConverter.png(svg: svg) : Data(svg.utf8)
        try OutputSink.write(data, to: output, protecting: db.path)
        Console.out(output)
    }
}
