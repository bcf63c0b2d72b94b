import ArgumentParser
import Foundation
import Reporting
import Tracking

/// `gradbook compare`: runs side by side, or a sweep as a pivot table.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare runs side by side, or pivot a sweep (--rows/--cols).",
        discussion: """
            gradbook compare 41 57 --reach "test_loss<0.2" --curves
            gradbook compare --sweep act-vs-lr --rows activation --cols lr --metric test_loss --agg best
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    @Option(help: ArgumentHelp("The epoch at which each run first met a condition, e.g. \"test_loss<0.2\"; repeatable.", valueName: "condition"))
    var reach: [String] = []

    @Flag(help: "Print the curves aligned by epoch (the --metrics, every --every epochs).")
    var curves = false

    @Option(help: ArgumentHelp("Metrics for --curves, comma-separated.", valueName: "names"))
    var metrics = "train_loss,test_loss"

    @Option(help: "With --curves, every K-th epoch (and the first, last, lowest and highest).")
    var every: Int?

    @Option(help: ArgumentHelp("Pivot: the name whose values make the rows (e.g. activation).", valueName: "name"))
    var rows: String?

    @Option(help: ArgumentHelp("Pivot: the name whose values make the columns (e.g. lr).", valueName: "name"))
    var cols: String?

    @Option(help: ArgumentHelp("Pivot: the metric in the cells.", valueName: "name"))
    var metric = "test_loss"

    @Option(help: ArgumentHelp("Pivot: how each run's curve becomes one number: best, final, mean or median over its epochs; "
                               + "a cell then shows the mean ± std (count) over its runs (seeds).", valueName: "agg"))
    var agg = "best"

    func validate() throws {
        if !["best", "final", "mean", "median"].contains(agg) {
            throw ValidationError("invalid --agg '\(agg)': expected best, final, mean or median")
        }
        if cols != nil && rows == nil { throw ValidationError("--cols needs --rows") }
        if let every, every < 1 { throw ValidationError("invalid --every \(every): expected a positive number of epochs") }
    }

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        var selection = try self.selection.selection
        if let rows {
            if selection.statuses.isEmpty { selection.statuses = [.finished, .diverged] }
            let ids = try db.select(selection)
            guard !ids.isEmpty else { throw SelectionError.noMatch }
            let pivot = PivotTable(try Pivot(store: db, runs: ids, rows: Runs.terms(rows, option: "--rows")[0], cols: cols.map { try Runs.terms($0, option: "--cols")[0] },
                                             value: Term(name: metric, function: agg)))
            let format = output.format ?? .table
            if format == .table {
                try write(pivot.text + "\n", db)
            } else {
                try output.writer(default: format, protecting: db).write(pivot.longTable)
            }
            return
        }
        let ids = try self.selection.select(in: db)
        guard !ids.isEmpty else { throw SelectionError.noMatch }
        let comparison = try RunComparison(store: db, runs: ids, reach: reach)
        let format = output.format ?? .table
        if format == .table {
            var text = comparison.text
            if curves {
                let table = try curveTable(db, ids)
                text += "\n\n" + TableWriter.aligned(header: table.columns, rows: table.rows.map { $0.map(TableWriter.display) })
            }
            try write(text + "\n", db)
        } else {
            try output.writer(default: format, protecting: db).write(curves ? try curveTable(db, ids) : comparison.table)
        }
    }

    private func curveTable(_ db: RunStore, _ ids: [Int64]) throws -> ResultTable {
        let names = metrics.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        try db.checkMetrics(names)
        return try CurveExport(store: db, runs: ids, metrics: names, sampling: every.map(CurveSampling.every) ?? .all).wide()
    }

    private func write(_ text: String, _ db: RunStore) throws {
        let sink = try output.sink(protecting: db)
        try sink.write(text)
        try sink.finish()
    }
}
