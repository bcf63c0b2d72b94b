import ArgumentParser
import Foundation
import Tracking

/// `gradbook delete SELECTION`: removes runs and everything that belongs to them.
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete the selected runs and every row that belongs to them (metrics, diagnostics, snapshots, tags, notes).",
        discussion: "Shows what it will remove and asks, unless --yes. Sweeps stay (resume re-runs what was deleted). Run 'gradbook gc' to give the space back.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions

    @Flag(name: [.short, .long], help: "Do not ask.")
    var yes = false

    @Flag(help: "Only show what would be removed.")
    var dryRun = false

    /// Runs listed before asking.
    static let listed = 20

    mutating func run() throws {
        guard try selection.selection.isNarrowed else {
            throw ValidationError("give runs or a selection (--where, --sweep, --status, …); gradbook delete never deletes every run by default")
        }
        let db = try store.open()
        defer { try? db.close() }
        let ids = try selection.select(in: db)
        if let live = try db.liveRuns(among: ids).first { throw RunStillTraining(run: live) }
        // The first runs are listed; the count says the rest.
        let listing = try db.table(runs: Array(ids.prefix(Self.listed)), columns: FilterParser.terms("id, name, sweep, status, epochs_done, created"))
        let counts = try db.rowCounts(runs: ids).filter { $0.rows > 0 && $0.table != "runs" }
        let summary = "\(ids.count) run\(ids.count == 1 ? "" : "s") with " + counts.map { "\($0.rows) \($0.table)" }.joined(separator: ", ")
        Console.error(TableWriter.aligned(header: listing.columns, rows: listing.rows.map { $0.map(TableWriter.display) }))
        if ids.count > Self.listed { Console.error("… and \(ids.count - Self.listed) more") }
        Console.error("will delete \(summary)")
        if dryRun { return }
        if !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                throw ValidationError("standard input is not a terminal; pass --yes to delete without asking")
            }
            Console.error("Delete? [y/N] ", terminator: "")
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                Console.error("nothing deleted")
                return
            }
        }
        try db.delete(runs: ids)
        Console.out("deleted \(summary)")
    }
}

/// A deletion refused: the run's process is alive.
struct RunStillTraining: Error, CustomStringConvertible {
    let run: Int64

    var description: String {
        "run \(run) is still training (its process is alive); stop it (Ctrl-C, or kill its process) before deleting it"
    }
}
