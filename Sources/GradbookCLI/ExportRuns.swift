import ArgumentParser
import Tracking

/// `gradbook export runs SELECTION`: one row per run with everything about it.
struct ExportRuns: SelectionExport {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Export one row per run: identity, status, timing, every hyperparameter (params.NAME), final and best metrics, alert counts, tags.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    static func table(_ db: RunStore, runs: [Int64]) throws -> ResultTable { try db.runsReport(runs: runs) }
}
