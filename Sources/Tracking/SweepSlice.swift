import GRDB

/// A slice of a sweep's configurations, as one array task runs it: slice `i` of `N` holds the
/// configurations whose index is `i − 1` modulo `N`.
public struct SweepSlice: Sendable, Hashable, Codable, CustomStringConvertible {
    /// From 1 to ``count``.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Whether configuration `configuration` (from 0) is in the slice.
    public func contains(_ configuration: Int) -> Bool { configuration % count == index - 1 }

    /// The slice of `count` that holds `configuration`.
    public static func holding(_ configuration: Int, of count: Int) -> SweepSlice {
        SweepSlice(index: configuration % count + 1, count: count)
    }

    /// `3/8`.
    public var description: String { "\(index)/\(count)" }
}

/// A row of `sweep_shards`: a slice this file ran, or one it merged from a shard.
struct SweepShardRow: StoredRecord {
    static let databaseTableName = "sweep_shards"
    enum Origin: String, Codable { case ran, merged }
    var sweepID: Int64
    var slice: Int
    var slices: Int
    var origin: Origin
}

extension RunStore {
    /// Records that this file runs `slice` of the sweep; the same slice again is fine.
    /// - Throws: ``StoreError/sliceMismatch(path:sweep:holds:asked:)`` when the file ran another
    ///   slice of it, or holds slices of another count: one file, one slice.
    public func claimSlice(_ slice: SweepSlice, of sweep: StoredSweep) throws(StoreError) {
        try write { db in
            let rows = try SweepShardRow.filter(Column("sweep_id") == sweep.id).fetchAll(db)
            if let other = rows.first(where: { $0.slices != slice.count || ($0.origin == .ran && $0.slice != slice.index) }) {
                throw StoreError.sliceMismatch(path: path, sweep: sweep.name, holds: "slice \(other.slice)/\(other.slices)", asked: "--shard \(slice)")
            }
            try SweepShardRow(sweepID: sweep.id, slice: slice.index, slices: slice.count, origin: .ran).insert(db, onConflict: .replace)
        }
    }

    /// The slice this file ran of the sweep, if it is a shard.
    public func ranSlice(of sweep: StoredSweep) throws(StoreError) -> SweepSlice? {
        try read { db in
            try SweepShardRow.filter(Column("sweep_id") == sweep.id && Column("origin") == SweepShardRow.Origin.ran.rawValue).fetchOne(db)
                .map { SweepSlice(index: $0.slice, count: $0.slices) }
        }
    }
}
