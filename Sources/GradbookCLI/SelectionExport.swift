import ArgumentParser
import Tracking

/// An export of one table about the selected runs: open the store, select, write.
protocol SelectionExport: ParsableCommand {
    var store: StoreOptions { get }
    var selection: SelectionOptions { get }
    var output: OutputOptions { get }

    /// The table for these runs.
    static func table(_ db: RunStore, runs: [Int64]) throws -> ResultTable
}

extension SelectionExport {
    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        try output.writer(default: .csv, protecting: db).write(Self.table(db, runs: selection.select(in: db)))
    }
}
