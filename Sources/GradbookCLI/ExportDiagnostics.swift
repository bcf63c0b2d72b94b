import ArgumentParser
import Tracking

/// `gradbook export diagnostics SELECTION`: per-layer health, one row per run, epoch and layer.
struct ExportDiagnostics: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnostics",
        abstract: "Export per-layer gradient health: one row per run, epoch and layer (layer 0 = first hidden), every statistic.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        try output.writer(default: .csv).write(db.diagnostics(runs: selection.select(in: db)))
    }
}
