import ArgumentParser
import Foundation
import Reporting
import Tracking

/// `gradbook plot SELECTION --metric test_loss -o curves.svg`: one chart for a paper.
struct Plot: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw one metric of the selected runs as a standalone SVG chart (or PNG, through rsvg-convert).",
        discussion: """
            A file ending in .png is rendered with rsvg-convert (Debian: apt-get install librsvg2-bin). \
            The y axis is logarithmic when the values span more than about a decade, unless --scale says otherwise.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions

    @Option(help: ArgumentHelp("The metric, or several comma-separated.", valueName: "names"))
    var metric = "test_loss"

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("The file to write, .svg or .png: \(OutputTarget.help).", valueName: "file"))
    var output = "curves.svg"

    @Option(help: "auto, linear or log.")
    var scale = "auto"

    @Option(help: "Width in pixels (SVG units).")
    var width = 720.0

    @Option(help: "Height of the plot area in pixels.")
    var height = 400.0

    func validate() throws {
        if !["auto", "linear", "log"].contains(scale) { throw ValidationError("invalid --scale '\(scale)': expected auto, linear or log") }
        let ext = URL(fileURLWithPath: output).pathExtension.lowercased()
        if ext != "svg" && ext != "png" { throw ValidationError("invalid --output '\(output)': expected a file ending in .svg or .png") }
        if !(200...20_000).contains(width) || !(120...20_000).contains(height) {
            throw ValidationError("invalid --width \(width) or --height \(height): expected a width of 200 to 20000 and a height of 120 to 20000")
        }
    }

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        let metrics = metric.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        try db.checkMetrics(metrics)
        let ids = try selection.select(in: db)
        guard !ids.isEmpty else { throw SelectionError.noMatch }
        let names = try db.table(runs: ids, columns: [Term(name: "name")]).rows.map { $0[0].text }
        var series: [LineChart.Series] = []
        for (i, (run, name)) in zip(ids, names).enumerated() {
            for curve in try db.curves(run: run, metrics: metrics) where !curve.points.isEmpty {
                let label = "\(run) \(name)" + (metrics.count > 1 ? " \(curve.metric)" : "")
                series.append(.init(label: label, color: Palette.color(i), points: curve.points,
                                    dashed: metrics.count > 1 && curve.metric != metrics[0], run: run, metric: curve.metric))
            }
        }
        let chart = LineChart(title: metrics.joined(separator: ", "), series: series,
                              yScale: scale == "auto" ? nil : Scale.Kind(rawValue: scale), width: width, height: height)
        // A standalone file: a background and a text colour instead of the page's.
        let svg = chart.svg(id: "plot").replacingOccurrences(of: "role=\"img\"", with: "role=\"img\" color=\"#1d2127\" style=\"background:#fff\"")
        let data = output.lowercased().hasSuffix(".png") ? try PNGConverter.png(svg: svg) : Data(svg.utf8)
        try OutputSink.write(data, to: output, protecting: db.path)
        Console.out(output)
    }
}
