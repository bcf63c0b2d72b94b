import ArgumentParser
import Foundation
import Tracking

/// `gradbook merge`: folds other stores (sweep shards run elsewhere) into this one.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Fold other Gradbook databases (shards) into this one: every table of every run, by run UUID.",
        discussion: """
            Every source is checked before anything is written. Idempotent: merging the same file twice adds nothing; \
            a run merged while it was still training is brought up to date by merging its shard again. The other \
            files are only read. Each sweep's status is worked out again from its configurations.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The databases to merge in, e.g. shards/*.sqlite.")
    var sources: [String]

    mutating func run() throws {
        guard !sources.isEmpty else { throw ValidationError("give at least one database to merge") }
        let db = try store.open(.create)
        defer { try? db.close() }
        try db.checkMergeSources(sources)
        for source in sources {
            let report = try db.merge(from: source)
            Console.out("\(source): \(report.runsAdded) runs added, \(report.runsUpdated) brought up to date, "
                + "\(report.runsAlreadyPresent) already present, \(report.sweepsAdded) sweeps added")
            for run in report.stillRunning {
                Console.error("\(source): \(run) was still running; merge this file again once it has ended")
            }
        }
    }
}
