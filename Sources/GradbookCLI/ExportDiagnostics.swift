import ArgumentParser
import Tracking

/// `gradbook export diagnostics SELECTION`: per-layer health, one row per run, epoch and layer.
struct ExportDiagnostics: SelectionExport {
    static let configuration = CommandConfiguration(
        commandName: "diagnostics",
        abstract: "Export per-layer gradient health: one row per run, epoch and layer (layer 1 = first hidden, the output layer last, as `show` and alerts number them), every statistic.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions
    @OptionGroup var output: OutputOptions

    static func table(_ db: RunStore, runs: [Int64]) throws -> ResultTable { try db.diagnostics(runs: runs) }
}
