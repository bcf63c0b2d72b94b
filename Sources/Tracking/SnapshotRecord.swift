public import GRDB

/// The weights kept at an epoch (a row of `snapshots`, with its tensors), and why: the initial
/// weights (epoch 0), every N epochs, the best epoch so far, the last epoch.
public struct SnapshotRecord: Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "snapshots"

    /// The run; set by the store when the snapshot is recorded.
    public var runID: Int64 = 0
    public var epoch: Int
    public var initial = false
    public var every = false
    public var best = false
    public var final = false
    /// The tensors (in `snapshot_tensors`); empty when only the row was read.
    public var tensors: [TensorRecord]

    public init(epoch: Int, initial: Bool = false, every: Bool = false, best: Bool = false, final: Bool = false,
                tensors: [TensorRecord]) {
        self.epoch = epoch
        self.initial = initial
        self.every = every
        self.best = best
        self.final = final
        self.tensors = tensors
    }

    public init(row: Row) throws {
        runID = row["run_id"]
        epoch = row["epoch"]
        initial = row["initial"]
        every = row["every"]
        best = row["best"]
        final = row["final"]
        tensors = []
    }

    public func encode(to container: inout PersistenceContainer) throws {
        container["run_id"] = runID
        container["epoch"] = epoch
        container["initial"] = initial
        container["every"] = every
        container["best"] = best
        container["final"] = final
    }

    /// Why it was kept, in words: `initial`, `every`, `best`, `final`.
    public var reasons: [String] {
        [initial ? "initial" : nil, every ? "every" : nil, best ? "best" : nil, final ? "final" : nil].compactMap { $0 }
    }
}

extension SnapshotRecord {
    /// Up to `count` of `epochs` (sorted), evenly spread, with the first and the last; one: the last.
    public static func spread(_ epochs: [Int], count: Int) -> [Int] {
        guard epochs.count > count else { return epochs }
        guard count > 1 else { return [epochs[epochs.count - 1]] }
        let picked = (0..<count).map { k in epochs[Int((Double(k) * Double(epochs.count - 1) / Double(count - 1)).rounded())] }
        return Array(Set(picked)).sorted()
    }

    /// For each of `wanted`, the nearest of `epochs` (the earlier on a tie), without repeats, sorted.
    public static func nearest(_ wanted: [Int], in epochs: [Int]) -> [Int] {
        Array(Set(wanted.compactMap { w in epochs.min { (abs($0 - w), $0) < (abs($1 - w), $1) } })).sorted()
    }
}
