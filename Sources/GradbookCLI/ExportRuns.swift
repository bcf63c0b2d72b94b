import ArgumentParser
import Tracking

/// `gradbook export runs SELECTION`: one row per run with everything about it.
struct ExportRuns: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Export one row per run: identity, status, timing, every hyperparameter (params.NAME), final and best metrics, alert counts, tags.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        try output.writer(default: .csv).write(db.runsReport(runs: selection.select(in: db)))
    }
}
