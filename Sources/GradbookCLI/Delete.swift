import ArgumentParser
import Foundation
import Tracking

/// `gradbook delete SELECTION`: removes runs and everything that belongs to them.
struct Delete: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete the selected runs and every row that belongs to them (metrics, diagnostics, snapshots, tags, notes).",
        discussion: "Shows what it will remove and asks, unless --yes. Sweeps stay (resume re-runs what was deleted). Run 'gradbook gc' to give the space back.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var selection: SelectionOptions

    @Flag(name: [.short, .long], help: "Do not ask.")
    var yes = false

    @Flag(help: "Only show what would be removed.")
    var dryRun = false

    mutating func run() throws {
        guard try selection.selection.isNarrowed else {
            throw ValidationError("give runs or a selection (--where, --sweep, --status, …); gradbook delete never deletes every run by default")
        }
        let db = try store.open()
        defer { try? db.close() }
        let ids = try selection.select(in: db)
        if let live = try db.liveRuns(among: ids).first { throw DeleteError.running(String(live)) }
        let listing = try db.table(runs: ids, columns: FilterParser.terms("id, name, sweep, status, epochs_done, created"))
        let counts = try db.rowCounts(runs: ids).filter { $0.rows > 0 && $0.table != "runs" }
        let summary = "\(ids.count) run\(ids.count == 1 ? "" : "s") with " + counts.map { "\($0.rows) \($0.table)" }.joined(separator: ", ")
        var err = StandardError()
        print(TableWriter.aligned(header: listing.columns, rows: listing.rows.map { $0.map(TableWriter.display) }), to: &err)
        print("will delete \(summary)", to: &err)
        if dryRun { return }
        if !yes {
            guard isatty(STDIN_FILENO) != 0 else {
                throw ValidationError("standard input is not a terminal; pass --yes to delete without asking")
            }
            print("Delete? [y/N] ", terminator: "", to: &err)
            guard let answer = readLine(), ["y", "yes"].contains(answer.lowercased()) else {
                print("nothing deleted", to: &err)
                return
            }
        }
        try db.delete(runs: ids)
        print("deleted \(summary)")
    }
}

/// Why a deletion was refused.
enum DeleteError: Error, CustomStringConvertible {
    case running(String)

    var description: String {
        "run \(caseValue) is still training (its process is alive); stop it (Ctrl-C, or kill its process) before deleting it"
    }

    private var caseValue: String { if case .running(let id) = self { id } else { "" } }
}

/// `print(…, to: &err)` to standard error.
struct StandardError: TextOutputStream {
    mutating func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
