import ArgumentParser
import Foundation
import Tracking

/// `gradbook merge`: folds other stores (sweep shards run elsewhere) into this one.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fold other Gradbook databases into this one, by run UUID.",
        discussion: "Idempotent: merging the same file twice adds nothing. The other files are only read.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The databases to merge in, e.g. shard-*.sqlite.")
    var sources: [String]

    mutating func run() throws {
        guard !sources.isEmpty else { throw ValidationError("give at least one database to merge") }
        let db = try store.open()
        defer { try? db.close() }
        for source in sources {
            let report = try db.merge(from: source)
            print("\(source): \(report.runsAdded) runs added, \(report.runsAlreadyPresent) already present, \(report.sweepsAdded) sweeps added")
        }
    }
}
