import Foundation
import GRDB

/// Where every configuration of a sweep stands across stores: the merged store and the shard
/// files of an array job (`gradbook sweep status`). Read-only: the files are opened read-only,
/// nothing is migrated or reaped.
public struct SweepCensus: Sendable, Equatable, Codable {
    /// What the best run of a configuration says of it.
    public enum State: String, Sendable, Codable, CaseIterable, Comparable {
        case finished, diverged, running, failed, interrupted, crashed, missing

        /// Finished and diverged configurations are done: nothing resumes them.
        public var isDone: Bool { self == .finished || self == .diverged }

        public static func < (a: State, b: State) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
    }

    /// One file read.
    public struct File: Sendable, Equatable, Codable {
        public var path: String
        /// The slice the file ran, when it is a shard.
        public var slice: SweepSlice?
        /// Runs of the sweep it holds.
        public var runs: Int
    }

    public var sweep: String
    public var configurations: Int
    /// The number of slices the sweep was cut into, when any file says.
    public var slices: Int?
    /// Per configuration index: its state.
    public var states: [State]
    public var files: [File]

    /// The configurations in a state.
    public func configurations(in state: State) -> [Int] { states.indices.filter { states[$0] == state } }

    /// How many configurations are in each state.
    public var counts: [State: Int] { Dictionary(grouping: states, by: { $0 }).mapValues(\.count) }

    /// The slices (array task indices) that hold a configuration a rerun would train: missing,
    /// interrupted or crashed ones, and failed ones when `retryFailed`.
    public func slicesToResubmit(retryFailed: Bool = false) -> [Int] {
        guard let slices else { return [] }
        let redo = states.indices.filter { i in
            [.missing, .interrupted, .crashed].contains(states[i]) || (retryFailed && states[i] == .failed)
        }
        return Array(Set(redo.map { SweepSlice.holding($0, of: slices).index })).sorted()
    }

    /// Reads the sweep named `sweep` from each file, read-only.
    /// - Throws: ``StoreError`` for a file that is missing or not a Gradbook store of a schema this
    ///   gradbook can read, or ``StoreError/unknownSweep(_:)`` when no file holds the sweep.
    public static func read(sweep: String, files: [String], identity: ProcessIdentity = .current) throws(StoreError) -> SweepCensus {
        var configurations: Int?, slices: Int?
        var best: [Int: (state: State, epochs: Int)] = [:]
        var read: [File] = []
        for path in files {
            try RunStore.readOther(path) { db in
                guard try db.tableExists("sweeps"),
                      let id = try SQLRequest<Int64>(literal: "SELECT id FROM sweeps WHERE name = \(sweep)").fetchOne(db) else {
                    read.append(File(path: path, slice: nil, runs: 0))
                    return
                }
                let count = try SQLRequest<Int>(literal: "SELECT COUNT(*) FROM sweep_configs WHERE sweep_id = \(id)").fetchOne(db) ?? 0
                configurations = max(configurations ?? 0, count)
                var slice: SweepSlice?
                if try db.tableExists("sweep_shards") {
                    for row in try SQLRequest<Row>(literal: "SELECT slice, slices, origin FROM sweep_shards WHERE sweep_id = \(id)").fetchAll(db) {
                        slices = row["slices"]
                        if row["origin"] == "ran" { slice = SweepSlice(index: row["slice"], count: row["slices"]) }
                    }
                }
                let hasStart = try db.columns(in: "runs").contains { $0.name == "process_start" }
                let runs = try SQLRequest<Row>(literal: """
                    SELECT r.sweep_index, r.status, \(RunStore.livenessColumns(start: hasStart)),
                           (SELECT COALESCE(MAX(epoch), 0) FROM epochs WHERE run_id = r.id) AS epochs
                    FROM runs r WHERE r.sweep_id = \(id) AND r.sweep_index IS NOT NULL
                    """).fetchAll(db)
                for run in runs {
                    let index: Int = run["sweep_index"], epochs: Int = run["epochs"]
                    var state = State(rawValue: run["status"]) ?? .failed
                    if state == .running, !RunStore.isAlive(run, identity: identity) {
                        state = .crashed
                    }
                    if let current = best[index], (current.state, -current.epochs) <= (state, -epochs) { continue }
                    best[index] = (state, epochs)
                }
                read.append(File(path: path, slice: slice, runs: runs.count))
            }
        }
        guard let configurations else { throw .unknownSweep(sweep) }
        return SweepCensus(sweep: sweep, configurations: configurations, slices: slices,
                           states: (0..<configurations).map { best[$0]?.state ?? .missing }, files: read)
    }
}
