import ArgumentParser
import Foundation
import Reporting
import Tracking

/// `gradbook compare`: runs side by side, or a sweep as a pivot table.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs side by side, or pivot a sweep (--rows/--cols).",
        discussion: """
            gradbook compare 41 57 --reach "test_loss<0.2" --curves
            gradbook compare --sweep act-vs-lr --rows activation --cols lr --metric test_loss --agg best
            gradbook compare --sweep act-vs-lr --group "activation = 'relu' and lr = 0.1" --group "activation = 'tanh' and lr = 0.1"
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

    @Option(help: ArgumentHelp("Pivot: how each run's curve becomes one number: best (the metric at the run's selected epoch: "
                               + "the best validation epoch when the run has a validation split, else its own best), final, mean or median "
                               + "over its epochs; a cell then shows the mean ± std (count) over its runs (seeds).", valueName: "agg"))
    var agg = "best"

    @Option(help: ArgumentHelp("Two configurations over their seeds: give --group twice, each a filter (e.g. \"activation = 'relu' "
                               + "and lr = 0.1\") within the selection. Prints each side's mean with its 95% interval and the difference "
                               + "of the means with its interval, paired by seed when both ran the same seeds (Welch's t otherwise), "
                               + "of --metric at --agg.", valueName: "filter"))
    var group: [String] = []

    func validate() throws {
        if !group.isEmpty && group.count != 2 {
            throw ValidationError("--group takes two filters, A and B (given \(group.count))")
        }
        if !group.isEmpty && rows != nil { throw ValidationError("--group and --rows are two different comparisons: give one") }
        if Aggregate(rawValue: agg) == nil { throw ValidationError("invalid --agg '\(agg)': expected \(Aggregate.choices)") }
        if cols != nil && rows == nil { throw ValidationError("--cols needs --rows") }
        if let every, every < 1 { throw ValidationError("invalid --every \(every): expected a positive number of epochs") }
    }

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        var selection = try self.selection.selection
        if !group.isEmpty {
            if selection.statuses.isEmpty { selection.statuses = [.finished, .diverged] }
            try compareGroups(db, within: selection)
            return
        }
        if let rows {
            if selection.statuses.isEmpty { selection.statuses = [.finished, .diverged] }
            let ids = try db.select(selection)
            guard !ids.isEmpty else { throw SelectionError.noMatch }
            let pivot = PivotTable(try Pivot(store: db, runs: ids, rows: Runs.terms(rows, option: "--rows")[0], cols: cols.map { try Runs.terms($0, option: "--cols")[0] },
                                             value: Aggregate(rawValue: agg)!.term(metric)))
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

    /// `--group A --group B`: the two sides' runs (each filter within the selection) compared over their seeds.
    private func compareGroups(_ db: RunStore, within selection: RunSelection) throws {
        let within = selection.filter == nil ? nil : Set(try db.select(selection))
        func runs(_ filter: String, _ side: String) throws -> [Int64] {
            var s = selection
            s.filter = filter
            var ids = try Self.select(s, in: db)
            if let within { ids = ids.filter(within.contains) }
            guard !ids.isEmpty else { throw CompareError.emptyGroup(side: side, filter: filter) }
            return ids
        }
        let comparison = try SeedComparison(store: db, a: (try runs(group[0], "A"), group[0]), b: (try runs(group[1], "B"), group[1]),
                                            value: Aggregate(rawValue: agg)!.term(metric))
        let format = output.format ?? .table
        if format == .table {
            try write(comparison.text + "\n", db)
        } else {
            try output.writer(default: format, protecting: db).write(comparison.table)
        }
    }

    /// The runs of a `--group`'s selection; a bad filter is named as `--group`'s.
    private static func select(_ selection: RunSelection, in db: RunStore) throws -> [Int64] {
        do {
            return try db.select(selection)
        } catch {
            guard case .invalidQuery(var e) = error else { throw error }
            e.option = "--group"
            throw StoreError.invalidQuery(e)
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

/// A `--group` of `compare` that selects no finished run.
enum CompareError: Error, CustomStringConvertible {
    case emptyGroup(side: String, filter: String)

    var description: String {
        switch self {
        case .emptyGroup(let side, let filter):
            "--group \(side) ('\(Terminal.safe(filter))') matches no finished or diverged run of the selection"
        }
    }
}
