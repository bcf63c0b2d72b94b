import ArgumentParser
import Foundation
import Reporting
import Tracking

/// `gradbook sweep status NAME [SHARD FILES…]`: where every configuration of a sweep stands.
struct SweepStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show which configurations of a sweep are done, across the store and its shard files, and what to submit again.",
        discussion: """
            Read-only: the files are only read. Counts per slice when the sweep ran as an array job, the configurations \
            not done (missing, interrupted, crashed, failed), and the --array= list of the tasks to submit again.
            """)

    @ParentCommand var sweep: Sweep

    @Argument(help: "The sweep's name.")
    var name: String

    @Argument(help: "Shard files to read besides the store (--db), e.g. shards/NAME-*.sqlite.")
    var shards: [String] = []

    mutating func run() throws {
        let path = sweep.store.path
        let files = (FileManager.default.fileExists(atPath: path) ? [path] : []) + shards
        guard !files.isEmpty else { throw ValidationError("no store at '\(path)' and no shard file: nothing to read") }
        let census = try SweepCensus.read(sweep: name, files: files)
        // --format is the parent's (`sweep`'s), which reads it wherever it stands on the line.
        if sweep.format.isJSON {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(census), as: UTF8.self))
        } else {
            print(SweepCensusReport(census, store: files.first == path ? path : nil).text)
        }
    }
}
