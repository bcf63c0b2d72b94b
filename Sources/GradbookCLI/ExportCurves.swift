import ArgumentParser
import Foundation
import Tracking

/// `gradbook export curves SELECTION`: per-epoch metrics, long or wide.
struct ExportCurves: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "curves",
        abstract: "Export the selected runs' curves: long (run_id,run_name,epoch,metric,value) or wide (a column per run and metric).",
        discussion: """
            Downsampling never drops a curve's first, last, lowest or highest point. --every K keeps the epochs divisible by K; \
            --points N cuts each curve into N/2 buckets and keeps each bucket's lowest and highest point (min–max decimation).
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("Metrics, comma-separated. (default: \(Metric.standardCurves.map(\.name).joined(separator: ",")))", valueName: "names"))
    var metrics: String?

    @Option(help: "long or wide.")
    var layout: Layout = .long

    @Option(help: ArgumentHelp("Columns to add to each row of the long layout: hyperparameters or any name, e.g. activation,lr.", valueName: "names"))
    var with: String?

    @Option(help: "Keep every K-th epoch (and the first, last, lowest and highest).")
    var every: Int?

    @Option(help: "Keep about N points per curve (min–max decimation; first and last kept).")
    var points: Int?

    enum Layout: String, ExpressibleByArgument { case long, wide }

    func validate() throws {
        if every != nil && points != nil { throw ValidationError("--every and --points exclude each other; choose one") }
        if let every, every < 1 { throw ValidationError("invalid --every \(every): expected a positive number of epochs") }
        if let points, points < 2 { throw ValidationError("invalid --points \(points): expected at least 2") }
    }

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        let names = metrics.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? Metric.standardCurves.map(\.name)
        try db.checkMetrics(names)
        let extra = try with.map { try Runs.terms($0, option: "--with") } ?? []
        let ids = try selection.select(in: db)
        let sampling: CurveSampling = every.map(CurveSampling.every) ?? points.map(CurveSampling.points) ?? .all
        let export = CurveExport(store: db, runs: ids, metrics: names, sampling: sampling, with: extra)
        let writer = try output.writer(default: .csv, protecting: db)
        switch layout {
        case .long: try export.writeLong(to: writer)
        case .wide: try writer.write(export.wide())
        }
    }
}
