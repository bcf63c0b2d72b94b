import Foundation
import GRDB

extension RunStore {
    /// Stores alerts outside an epoch's transaction (the `nan` alert of a diverged run).
    public func recordAlerts(run: Int64, epoch: Int, _ alerts: [AlertRecord]) throws(StoreError) {
        try write { db in try Self.insert(alerts, run: run, epoch: epoch, db) }
    }

    /// Stores a snapshot outside an epoch's transaction (the initial weights, or the final ones
    /// of a run that stopped early).
    public func recordSnapshot(run: Int64, _ snapshot: SnapshotRecord) throws(StoreError) {
        try write { db in try Self.insert(snapshot, run: run, db) }
    }

    static func insert(_ layers: [LayerHealthRecord], run: Int64, epoch: Int, _ db: Database) throws {
        for l in layers {
            try db.cachedStatement(sql: """
                INSERT INTO layer_health (run_id, epoch, layer, units, activation, grad_norm_mean, grad_norm_max,
                    bias_grad_norm_mean, bias_grad_norm_max, weight_norm, update_ratio, act_mean, act_std, dead_units,
                    dead_fraction, saturated_fraction, eval_act_mean, eval_act_std, eval_dead_units, eval_saturated_fraction)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [
                    run, epoch, l.layer, l.units, l.activation, storable(l.gradNormMean), storable(l.gradNormMax),
                    storable(l.biasGradNormMean), storable(l.biasGradNormMax), storable(l.weightNorm), storable(l.updateRatio),
                    storable(l.actMean), storable(l.actStd), l.deadUnits, storable(l.deadFraction), storable(l.saturatedFraction),
                    storable(l.evalActMean), storable(l.evalActStd), l.evalDeadUnits, storable(l.evalSaturatedFraction),
                ])
        }
    }

    static func insert(_ alerts: [AlertRecord], run: Int64, epoch: Int, _ db: Database) throws {
        for a in alerts {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO alerts (run_id, epoch, kind, layer, value, threshold, message) VALUES (?, ?, ?, ?, ?, ?, ?)
                """).execute(arguments: [run, epoch, a.kind, a.layer, storable(a.value), storable(a.threshold), a.message])
        }
    }

    /// Writes a snapshot; a new `best` one takes the flag from the previous best, whose
    /// tensors go when no other reason keeps them.
    static func insert(_ s: SnapshotRecord, run: Int64, _ db: Database) throws {
        if s.best {
            try db.execute(sql: "UPDATE snapshots SET best = 0 WHERE run_id = ? AND best = 1 AND epoch != ?", arguments: [run, s.epoch])
            try db.execute(sql: "DELETE FROM snapshots WHERE run_id = ? AND initial = 0 AND every = 0 AND best = 0 AND final = 0",
                           arguments: [run])
        }
        try db.execute(sql: """
            INSERT INTO snapshots (run_id, epoch, initial, every, best, final) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(run_id, epoch) DO UPDATE SET initial = MAX(initial, excluded.initial), every = MAX(every, excluded.every),
                best = MAX(best, excluded.best), final = MAX(final, excluded.final)
            """, arguments: [run, s.epoch, s.initial, s.every, s.best, s.final])
        for t in s.tensors {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO snapshot_tensors (run_id, epoch, layer, name, shape, dtype, data) VALUES (?, ?, ?, ?, ?, 'float32', ?)
                """).execute(arguments: [run, s.epoch, t.layer, t.name, "[" + t.shape.map(String.init).joined(separator: ",") + "]",
                                         littleEndianBytes(t.values)])
        }
    }

    /// The epochs of a run that have a snapshot, with why.
    public func snapshots(run: Int64) throws(StoreError) -> [SnapshotRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM snapshots WHERE run_id = ? ORDER BY epoch", arguments: [run]).map {
                SnapshotRecord(epoch: $0["epoch"], initial: $0["initial"], every: $0["every"], best: $0["best"], final: $0["final"], tensors: [])
            }
        }
    }

    /// The tensors of a run's snapshot at `epoch`, layer by layer.
    public func snapshotTensors(run: Int64, epoch: Int) throws(StoreError) -> [TensorRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT layer, name, shape, data FROM snapshot_tensors WHERE run_id = ? AND epoch = ? ORDER BY layer, name",
                             arguments: [run, epoch]).map { row in
                let shapeText: String = row["shape"]
                let shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).split(separator: ",").compactMap { Int($0) }
                return TensorRecord(layer: row["layer"], name: row["name"], shape: shape, values: floats(fromLittleEndian: row["data"]))
            }
        }
    }

    /// A run's alerts, in epoch order.
    public func alerts(run: Int64) throws(StoreError) -> [(epoch: Int, alert: AlertRecord)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alerts WHERE run_id = ? ORDER BY epoch, kind, layer", arguments: [run]).map {
                (epoch: $0["epoch"], alert: AlertRecord(kind: $0["kind"], layer: $0["layer"], value: $0["value"],
                                                        threshold: $0["threshold"], message: $0["message"]))
            }
        }
    }
}

/// float32 values as little-endian bytes (one copy on a little-endian machine).
func littleEndianBytes(_ values: [Float]) -> Data {
    #if _endian(little)
    return values.withUnsafeBytes { Data($0) }
    #else
    var data = Data(capacity: values.count * 4)
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    return data
    #endif
}

/// float32 values from little-endian bytes.
func floats(fromLittleEndian data: Data) -> [Float] {
    data.withUnsafeBytes { raw in
        (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
}
