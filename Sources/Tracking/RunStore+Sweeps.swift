import GRDB

extension RunStore {
    /// Stores a new sweep with its configurations, or returns the stored one of that name when
    /// its configurations are the same (so re-running a sweep command resumes it).
    /// - Throws: ``StoreError/sweepMismatch(name:)`` when a sweep of that name holds other configurations.
    public func openSweep(_ new: NewSweep) throws(StoreError) -> StoredSweep {
        let existing = try write { db -> Bool in
            if try Int64.fetchOne(db, sql: "SELECT id FROM sweeps WHERE name = ?", arguments: [new.name]) != nil { return true }
            let experimentID = try Self.experimentID(new.experiment, db)
            try db.execute(sql: """
                INSERT INTO sweeps (name, experiment_id, status, method, metric, goal, spec, created_at, updated_at)
                VALUES (?, ?, 'pending', ?, ?, ?, ?, \(Timestamp.nowSQL), \(Timestamp.nowSQL))
                """, arguments: [new.name, experimentID, new.method, new.metric, new.goal, new.specJSON])
            let id = db.lastInsertedRowID
            for c in new.configs {
                try db.cachedStatement(sql: "INSERT INTO sweep_configs (sweep_id, idx, settings, config) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [id, c.index, c.settingsJSON, c.configJSON])
            }
            return false
        }
        guard let sweep = try sweep(named: new.name) else { throw .unknownSweep(new.name) }
        if existing && sweep.configs.map(\.configJSON) != new.configs.map(\.configJSON) {
            throw .sweepMismatch(name: new.name)
        }
        return sweep
    }

    /// The sweep named `name`, if any.
    public func sweep(named name: String) throws(StoreError) -> StoredSweep? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.*, x.name AS experiment FROM sweeps s LEFT JOIN experiments x ON x.id = s.experiment_id WHERE s.name = ?
                """, arguments: [name]) else { return nil }
            let id: Int64 = row["id"]
            let configs = try Row.fetchAll(db, sql: "SELECT idx, settings, config FROM sweep_configs WHERE sweep_id = ? ORDER BY idx",
                                           arguments: [id])
                .map { StoredSweep.SweepConfig(index: $0["idx"], settingsJSON: $0["settings"], configJSON: $0["config"]) }
            return StoredSweep(id: id, name: row["name"], experiment: row["experiment"], status: row["status"], method: row["method"],
                               metric: row["metric"], goal: row["goal"], specJSON: row["spec"], configs: configs)
        }
    }

    /// For each configuration index of the sweep, the statuses of its runs (as readers see them).
    public func sweepRunStatuses(sweep: Int64) throws(StoreError) -> [Int: [RunStatus]] {
        try read { db in
            var out: [Int: [RunStatus]] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT r.sweep_index, st.status FROM runs r JOIN run_status st ON st.run_id = r.id
                WHERE r.sweep_id = ? AND r.sweep_index IS NOT NULL
                """, arguments: [sweep]) {
                out[row["sweep_index"], default: []].append(RunStatus(rawValue: row["status"]) ?? .failed)
            }
            return out
        }
    }

    /// Sets the sweep's status (`running`, `finished`, `interrupted`, `failed`).
    public func setSweepStatus(_ sweep: Int64, _ status: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE sweeps SET status = ?, updated_at = \(Timestamp.nowSQL) WHERE id = ?", arguments: [status, sweep])
        }
    }

    /// Records a run that could not even start (its data could not be loaded, say), so that a
    /// sweep shows it as `failed` with the reason.
    @discardableResult
    public func recordFailedRun(_ new: NewRun, error: String, identity: ProcessIdentity = .current) throws(StoreError) -> Int64 {
        let id = try startRun(new, identity: identity)
        try finishRun(run: id, status: .failed, error: error)
        return id
    }

    /// Per run of the sweep: its configuration index, status and the best value of `metric`
    /// over its epochs (lowest when `minimize`, highest otherwise).
    public func sweepResults(sweep: Int64, metric: String, minimize: Bool) throws(StoreError) -> [(index: Int, run: Int64, status: RunStatus, best: Double?)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.id, r.sweep_index, st.status,
                       (SELECT \(minimize ? "MIN" : "MAX")(c.value) FROM curves c WHERE c.run_id = r.id AND c.metric = ?) AS best
                FROM runs r JOIN run_status st ON st.run_id = r.id
                WHERE r.sweep_id = ? AND r.sweep_index IS NOT NULL ORDER BY r.sweep_index, r.id
                """, arguments: [metric, sweep]).map {
                (index: $0["sweep_index"], run: $0["id"], status: RunStatus(rawValue: $0["status"]) ?? .failed, best: $0["best"])
            }
        }
    }
}
