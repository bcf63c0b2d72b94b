import Foundation
import GRDB

extension RunStore {
    static func insert(_ layers: [LayerHealthRecord], run: Int64, epoch: Int, _ db: Database) throws {
        try LayerHealthRecord.insertAll(layers.lazy.map { layer in
            var layer = layer
            (layer.runID, layer.epoch) = (run, epoch)
            return layer
        }, db)
    }

    static func insert(_ alerts: [AlertRecord], run: Int64, epoch: Int, _ db: Database) throws {
        try AlertRecord.insertAll(alerts.lazy.map { alert in
            var alert = alert
            (alert.runID, alert.epoch) = (run, epoch)
            return alert
        }, db)
    }

    /// Writes a snapshot; a new `best` one takes the flag from the previous best, whose
    /// tensors go when no other reason keeps them.
    static func insert(_ s: SnapshotRecord, run: Int64, _ db: Database) throws {
        // Statements SQLite keeps prepared: a 2-D run writes dozens of snapshots.
        if s.best {
            try db.cachedStatement(sql: "UPDATE snapshots SET best = 0 WHERE run_id = ? AND best = 1 AND epoch != ?").execute(arguments: [run, s.epoch])
            try db.cachedStatement(sql: "DELETE FROM snapshots WHERE run_id = ? AND initial = 0 AND every = 0 AND best = 0 AND final = 0")
                .execute(arguments: [run])
        }
        try db.cachedStatement(sql: """
            INSERT INTO snapshots (run_id, epoch, initial, every, best, final) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(run_id, epoch) DO UPDATE SET initial = MAX(initial, excluded.initial), every = MAX(every, excluded.every),
                best = MAX(best, excluded.best), final = MAX(final, excluded.final)
            """).execute(arguments: [run, s.epoch, s.initial, s.every, s.best, s.final])
        try TensorRecord.insertAll(s.tensors.lazy.map { tensor in
            var tensor = tensor
            (tensor.runID, tensor.epoch) = (run, s.epoch)
            return tensor
        }, db)
    }

    /// The epochs of a run that have a snapshot, with why (tensors not loaded).
    public func snapshots(run: Int64) throws(StoreError) -> [SnapshotRecord] {
        try read { db in try SnapshotRecord.filter(Column("run_id") == run).order(Column("epoch")).fetchAll(db) }
    }

    /// The tensors of a run's snapshot at `epoch`, layer by layer.
    public func snapshotTensors(run: Int64, epoch: Int) throws(StoreError) -> [TensorRecord] {
        try read { db in
            try TensorRecord.filter(Column("run_id") == run && Column("epoch") == epoch).order(Column("layer"), Column("name")).fetchAll(db)
        }
    }

    /// A run's alerts, in epoch order.
    public func alerts(run: Int64) throws(StoreError) -> [AlertRecord] {
        try read { db in
            try AlertRecord.filter(Column("run_id") == run).order(Column("epoch"), Column("kind"), Column("layer")).fetchAll(db)
        }
    }

    /// Each alert of a run once per kind and layer: first and last epoch, epochs fired, first message.
    public func alertSummary(run: Int64) throws(StoreError) -> [AlertSummary] {
        try read { db in
            try SQLRequest<AlertSummary>(literal: "SELECT * FROM alert_summary WHERE run_id = \(run) ORDER BY first_epoch, kind, layer").fetchAll(db)
        }
    }

    /// A run's per-layer health at one epoch, layer by layer.
    public func layerHealth(run: Int64, epoch: Int) throws(StoreError) -> [LayerHealthRecord] {
        try read { db in
            try LayerHealthRecord.filter(Column("run_id") == run && Column("epoch") == epoch).order(Column("layer")).fetchAll(db)
        }
    }
}
