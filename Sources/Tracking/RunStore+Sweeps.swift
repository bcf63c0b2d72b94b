public import GRDB

extension RunStore {
    /// Stores a new sweep with its configurations, or returns the stored one of that name when
    /// its configurations are the same (so re-running a sweep command resumes it).
    /// - Throws: ``StoreError/sweepMismatch(name:)`` when a sweep of that name holds other configurations.
    public func openSweep(_ new: NewSweep) throws(StoreError) -> StoredSweep {
        try Self.refuseNUL([("the sweep's name", new.name), ("the experiment's name", new.experiment)])
        let existing = try write { db -> Bool in
            if try SQLRequest<Int64>(literal: "SELECT id FROM sweeps WHERE name = \(new.name)").fetchOne(db) != nil { return true }
            let now = Timestamp.now()
            let sweep = SweepRow(id: nil, name: new.name, experimentID: try Self.experimentID(new.experiment, db), status: .pending,
                                 method: new.method, metric: new.metric, goal: new.goal, spec: new.specJSON, createdAt: now, updatedAt: now)
            try sweep.insert(db)
            let id = db.lastInsertedRowID
            for var config in new.configs {
                config.sweepID = id
                try config.insert(db)
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
            guard let row = try SweepRow.filter(Column("name") == name).fetchOne(db), let id = row.id else { return nil }
            let experiment = try SQLRequest<String>(literal: "SELECT name FROM experiments WHERE id = \(row.experimentID)").fetchOne(db)
            let configs = try SweepConfig.filter(Column("sweep_id") == id).order(Column("idx")).fetchAll(db)
            return StoredSweep(id: id, name: row.name, experiment: experiment, status: row.status, method: row.method,
                               metric: row.metric, goal: row.goal, specJSON: row.spec, configs: configs)
        }
    }

    /// For each configuration index of the sweep, the statuses of its runs.
    public func sweepRunStatuses(sweep: Int64) throws(StoreError) -> [Int: [RunStatus]] {
        try read { db in
            var out: [Int: [RunStatus]] = [:]
            for row in try SQLRequest<Row>(literal: """
                SELECT sweep_index, status FROM runs WHERE sweep_id = \(sweep) AND sweep_index IS NOT NULL
                """).fetchAll(db) {
                out[row["sweep_index"], default: []].append(RunStatus(rawValue: row["status"]) ?? .failed)
            }
            return out
        }
    }

    /// Sets the sweep's status.
    public func setSweepStatus(_ sweep: Int64, _ status: SweepStatus) throws(StoreError) {
        try write { db in
            try db.execute(literal: "UPDATE sweeps SET status = \(status), updated_at = \(Timestamp.now()) WHERE id = \(sweep)")
        }
    }

    public func claimConfiguration(_ new: NewRun, retryFailed: Bool, identity: ProcessIdentity = .current) throws(StoreError) -> Int64? {
        try claimConfigurations([new], retryFailed: retryFailed, identity: identity)[0]
    }

    public func claimConfigurations(_ news: [NewRun], retryFailed: Bool, identity: ProcessIdentity = .current) throws(StoreError) -> [Int64?] {
        try write { db in try news.map { new in try Self.claim(new, retryFailed: retryFailed, identity: identity, db) } }
    }

    /// ``claimConfiguration(_:retryFailed:identity:)`` inside a write transaction.
    private static func claim(_ new: NewRun, retryFailed: Bool, identity: ProcessIdentity, _ db: Database) throws -> Int64? {
        guard let sweep = new.sweepID, let index = new.sweepIndex else { return try insertRun(new, identity: identity, db) }
        let runs = try SQLRequest<Row>(literal: """
            SELECT r.id, r.status, \(livenessColumns()) FROM runs r WHERE r.sweep_id = \(sweep) AND r.sweep_index = \(index)
            """).fetchAll(db)
        for run in runs {
            switch RunStatus(rawValue: run["status"]) {
            case .finished?, .diverged?: return nil
            case .failed? where !retryFailed: return nil
            case .running? where isAlive(run, identity: identity): return nil
            case .running?:
                let id: Int64 = run["id"]
                try db.execute(literal: """
                    UPDATE runs SET status = 'crashed', ended_at = COALESCE(heartbeat_at, created_at),
                           error = 'its process stopped without closing the run; the configuration was taken over' WHERE id = \(id)
                    """)
            default: continue
            }
        }
        return try insertRun(new, identity: identity, db)
    }

    /// Per run of the sweep: its configuration index, status, and `metric` at the run's selected
    /// epoch with the metric that selected it (``Selection``: the validation counterpart when the
    /// run has validation data, else the metric's own best epoch).
    public func sweepResults(sweep: Int64, metric: String) throws(StoreError) -> [SweepRunResult] {
        try read { db in
            let resolver = TermResolver(db: db)
            let value = try resolver.sql(Term(name: metric, function: "selected"))
            let on = try resolver.sql(Term(name: metric, function: "selected_on"))
            return try SQLRequest<SweepRunResult>(literal: """
                SELECT r.sweep_index, r.id AS run_id, r.status, \(value) AS value, \(on) AS selected_on
                FROM runs r WHERE r.sweep_id = \(sweep) AND r.sweep_index IS NOT NULL ORDER BY r.sweep_index, r.id
                """).fetchAll(db)
        }
    }
}

/// A run of a sweep, the sweep's metric at its selected epoch, and what selected that epoch.
public struct SweepRunResult: Sendable, Equatable, Codable, FetchableRecord {
    public var sweepIndex: Int
    public var runID: Int64
    public var status: RunStatus
    public var value: Double?
    public var selectedOn: String?

    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .custom(ColumnKey.init(column:)) }
}
