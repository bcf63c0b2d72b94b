import Foundation
import GRDB

extension RunStore {
    /// What a merge did.
    public struct MergeReport: Sendable, Equatable, Codable {
        /// Runs this store did not have.
        public var runsAdded = 0
        /// Runs it had, replaced by the source's copy because that one moved on (more epochs,
        /// a later heartbeat: a run that was still training when it was last merged).
        public var runsUpdated = 0
        /// Runs it had already as the source has them (or further on).
        public var runsAlreadyPresent = 0
        public var sweepsAdded = 0
        /// Runs the source holds as still `running`: merge again once they end.
        public var stillRunning: [String] = []

        public init(runsAdded: Int = 0, runsUpdated: Int = 0, runsAlreadyPresent: Int = 0, sweepsAdded: Int = 0, stillRunning: [String] = []) {
            self.runsAdded = runsAdded
            self.runsUpdated = runsUpdated
            self.runsAlreadyPresent = runsAlreadyPresent
            self.sweepsAdded = sweepsAdded
            self.stillRunning = stillRunning
        }
    }

    /// Checks, before anything is written, that every source can be merged: it exists, is not
    /// this store (however spelled), and is a Gradbook store of this schema.
    /// - Throws: the ``StoreError`` of the first that cannot, naming it.
    public func checkMergeSources(_ sources: [String]) throws(StoreError) {
        for source in sources {
            guard Paths.exists(source) else { throw .cannotOpen(path: source, reason: "no such file") }
            if let mine = FileIdentity(path: path), FileIdentity(path: source) == mine { throw .mergeIntoItself(path: path, source: source) }
            try checkMergeSource(source)
        }
    }

    /// Folds the store at `source` (a shard run on another machine, say) into this one, in one
    /// transaction: every table of every run (``RunTable/all``), matching runs by UUID and
    /// experiments and sweeps by name. A run already here is replaced when the source's copy
    /// moved on since; merging the same file twice changes nothing. Each sweep's status is then
    /// worked out again from its configurations. The source is only read.
    ///
    /// - Throws: ``StoreError`` when the source is missing, is this store, is not a Gradbook
    ///   database, has another schema version (newer: refused; older: open it once with this
    ///   gradbook to upgrade it), or holds a sweep of the same name with other configurations.
    public func merge(from source: String) throws(StoreError) -> MergeReport {
        try checkMergeSources([source])
        do {
            return try database.writeWithoutTransaction { db in
                try db.execute(literal: "ATTACH DATABASE \(source) AS src")
                defer { try? db.execute(sql: "DETACH DATABASE src") }
                var report = MergeReport()
                try db.inTransaction(.immediate) {
                    try mergeSweeps(db, into: &report)
                    return .commit
                }
                // Runs a few at a time, each whole: a run training beside a large merge waits for
                // one batch, not the whole merge. Merging again finishes what a crash left.
                let runs = try Int64.fetchAll(db, sql: "SELECT id FROM src.runs ORDER BY id")
                for start in stride(from: 0, to: runs.count, by: Self.mergeBatch) {
                    try db.inTransaction(.immediate) {
                        try mergeRuns(Array(runs[start..<min(start + Self.mergeBatch, runs.count)]), db, into: &report)
                        return .commit
                    }
                }
                try db.inTransaction(.immediate) {
                    try Self.updateSweepStatuses(db)
                    return .commit
                }
                return report
            }
        } catch let error as StoreError {
            throw error
        } catch {
            // The source was checked and is only read: what fails now is the write here.
            throw mapped(error)
        }
    }

    /// Runs copied per transaction.
    static let mergeBatch = 32

    /// The source must be SQLite with exactly this binary's migrations.
    private func checkMergeSource(_ source: String) throws(StoreError) {
        let versions = try Self.readOther(source) { db in
            guard try db.tableExists("schema_migrations") else { return [Int]() }
            return try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations ORDER BY version")
        }
        let ours = migrator.migrations.map(\.version).sorted()
        guard versions == ours else {
            throw .database(path: source, reason: "its schema version \(versions.last ?? 0) is older than this gradbook's "
                + "(\(migrator.latestVersion)); open it once with this gradbook (e.g. gradbook runs --db \(source)) to upgrade it, then merge")
        }
    }

    /// Experiments, sweeps, their configurations and slices.
    private func mergeSweeps(_ db: Database, into report: inout MergeReport) throws {
        try db.execute(sql: """
            INSERT INTO main.experiments (name, created_at)
            SELECT name, created_at FROM src.experiments WHERE name NOT IN (SELECT name FROM main.experiments)
            """)
        // A sweep in both stores must hold the same configurations.
        if let clash = try String.fetchOne(db, sql: """
            SELECT s.name FROM src.sweeps s JOIN src.sweep_configs c ON c.sweep_id = s.id
            JOIN main.sweeps ms ON ms.name = s.name
            LEFT JOIN main.sweep_configs mc ON mc.sweep_id = ms.id AND mc.idx = c.idx
            WHERE mc.config IS NULL OR mc.config != c.config LIMIT 1
            """) {
            throw StoreError.sweepMismatch(name: clash)
        }
        try db.execute(sql: """
            INSERT INTO main.sweeps (name, experiment_id, status, method, metric, goal, spec, created_at, updated_at)
            SELECT s.name, (SELECT m.id FROM main.experiments m WHERE m.name = x.name), s.status, s.method, s.metric, s.goal,
                   s.spec, s.created_at, s.updated_at
            FROM src.sweeps s LEFT JOIN src.experiments x ON x.id = s.experiment_id
            WHERE s.name NOT IN (SELECT name FROM main.sweeps)
            """)
        report.sweepsAdded = db.changesCount
        try db.execute(sql: """
            INSERT OR IGNORE INTO main.sweep_configs (sweep_id, idx, settings, config)
            SELECT (SELECT m.id FROM main.sweeps m WHERE m.name = s.name), c.idx, c.settings, c.config
            FROM src.sweep_configs c JOIN src.sweeps s ON s.id = c.sweep_id
            """)
        // The slices the source ran or merged become slices merged here.
        try db.execute(sql: """
            INSERT OR IGNORE INTO main.sweep_shards (sweep_id, slice, slices, origin)
            SELECT (SELECT m.id FROM main.sweeps m WHERE m.name = s.name), x.slice, x.slices, 'merged'
            FROM src.sweep_shards x JOIN src.sweeps s ON s.id = x.sweep_id
            """)
    }

    /// The source's runs `ids`: added, brought up to date, or left as they are here.
    private func mergeRuns(_ ids: [Int64], _ db: Database, into report: inout MergeReport) throws {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS merge_map (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
        try db.execute(sql: "DELETE FROM temp.merge_map")
        // A run's own columns as they are, but its id (each store numbers its own) and the ids of
        // its experiment and sweep, matched by name.
        let runColumns = try db.columns(in: "runs").map(\.name).filter { !["id", "experiment_id", "sweep_id"].contains($0) }
        let copied = """
            (SELECT m.id FROM main.experiments m JOIN src.experiments x ON x.name = m.name WHERE x.id = r.experiment_id),
            (SELECT m.id FROM main.sweeps m JOIN src.sweeps s ON s.name = m.name WHERE s.id = r.sweep_id),
            \(runColumns.map { "r.\"\($0)\"" }.joined(separator: ", "))
            """
        let insertRun = """
            INSERT INTO main.runs (experiment_id, sweep_id, \(runColumns.map { "\"\($0)\"" }.joined(separator: ", ")))
            SELECT \(copied) FROM src.runs r WHERE r.id = ?
            """
        let updateRun = """
            UPDATE main.runs SET (experiment_id, sweep_id, \(runColumns.map { "\"\($0)\"" }.joined(separator: ", "))) =
                (SELECT \(copied) FROM src.runs r WHERE r.id = ?) WHERE id = ?
            """
        for row in try Row.fetchAll(db, sql: """
            SELECT r.id, r.uuid, r.status, r.name, r.heartbeat_at, (SELECT COALESCE(MAX(epoch), 0) FROM src.epochs WHERE run_id = r.id) AS epochs,
                   m.id AS here, m.heartbeat_at AS here_heartbeat, (SELECT COALESCE(MAX(epoch), 0) FROM main.epochs WHERE run_id = m.id) AS here_epochs
            FROM src.runs r LEFT JOIN main.runs m ON m.uuid = r.uuid WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.id
            """, arguments: [Self.jsonArray(ids)]) {
            let old: Int64 = row["id"], status: String = row["status"]
            if status == RunStatus.running.rawValue {
                report.stillRunning.append("run \(row["uuid"] as String)\((row["name"] as String?).map { " '\($0)'" } ?? "")")
            }
            if let here: Int64 = row["here"] {
                // Both copies came from the same shard, so its clock wrote both heartbeats.
                let epochs: Int = row["epochs"], hereEpochs: Int = row["here_epochs"]
                let heartbeat: String? = row["heartbeat_at"], hereHeartbeat: String? = row["here_heartbeat"]
                let movedOn = epochs > hereEpochs || (epochs == hereEpochs && (heartbeat ?? "") > (hereHeartbeat ?? ""))
                guard movedOn else {
                    report.runsAlreadyPresent += 1
                    continue
                }
                for table in RunTable.all.reversed() { try db.execute(sql: "DELETE FROM main.\"\(table.name)\" WHERE run_id = ?", arguments: [here]) }
                try db.execute(sql: updateRun, arguments: [old, here])
                try db.execute(sql: "INSERT INTO temp.merge_map (old, new) VALUES (?, ?)", arguments: [old, here])
                report.runsUpdated += 1
            } else {
                try db.execute(sql: insertRun, arguments: [old])
                try db.execute(sql: "INSERT INTO temp.merge_map (old, new) VALUES (?, ?)", arguments: [old, db.lastInsertedRowID])
                report.runsAdded += 1
            }
        }
        // Every table of a run, parents first, every column as it is but run_id mapped.
        for table in RunTable.all {
            let columns = try db.columns(in: table.name).map(\.name).filter { $0 != "run_id" && $0 != table.localID }
            try db.execute(sql: """
                INSERT INTO main."\(table.name)" (run_id, \(columns.map { "\"\($0)\"" }.joined(separator: ", ")))
                SELECT m.new, \(columns.map { "t.\"\($0)\"" }.joined(separator: ", ")) FROM src."\(table.name)" t JOIN temp.merge_map m ON m.old = t.run_id
                """)
        }
        try db.execute(sql: "DROP TABLE temp.merge_map")
    }

    /// Works out each sweep's status from its configurations: `finished` when every one has a
    /// finished or diverged run, `running` while one is training, `pending` before any ran,
    /// `interrupted` otherwise (some are missing: resume or resubmit them).
    static func updateSweepStatuses(_ db: Database) throws {
        try db.execute(sql: """
            UPDATE sweeps SET updated_at = \(Timestamp.nowSQL), status = (
                WITH config AS (
                    SELECT c.idx,
                           COALESCE(MAX(r.status IN ('finished', 'diverged')), 0) AS done,
                           COALESCE(MAX(r.status = 'running'), 0) AS running,
                           COUNT(r.id) AS runs
                    FROM sweep_configs c LEFT JOIN runs r ON r.sweep_id = c.sweep_id AND r.sweep_index = c.idx
                    WHERE c.sweep_id = sweeps.id GROUP BY c.idx)
                SELECT CASE WHEN MIN(done) = 1 THEN 'finished' WHEN MAX(running) = 1 THEN 'running'
                            WHEN SUM(runs) = 0 THEN 'pending' ELSE 'interrupted' END FROM config)
            WHERE EXISTS (SELECT 1 FROM sweep_configs c WHERE c.sweep_id = sweeps.id)
            """)
    }
}
