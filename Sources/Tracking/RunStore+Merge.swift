import Foundation
import GRDB

extension RunStore {
    /// What a merge added.
    public struct MergeReport: Sendable, Equatable, Codable {
        public var runsAdded = 0
        public var runsAlreadyPresent = 0
        public var sweepsAdded = 0
    }

    /// Folds the store at `path` (a shard run on another machine, say) into this one, matching
    /// runs by UUID and experiments and sweeps by name, in one transaction. Merging the same
    /// file twice adds nothing. The source is only read.
    ///
    /// - Throws: ``StoreError`` when the source is not a Gradbook database, has another schema
    ///   version (newer: refused; older: open it once with this gradbook to upgrade it), or
    ///   holds a sweep of the same name with other configurations.
    public func merge(from source: String) throws(StoreError) -> MergeReport {
        guard FileManager.default.fileExists(atPath: source) else { throw .cannotOpen(path: source, reason: "no such file") }
        try checkMergeSource(source)
        do {
            return try pool.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [source])
                defer { try? db.execute(sql: "DETACH DATABASE src") }
                var report = MergeReport()
                try db.inTransaction {
                    report = try mergeRows(db, source: source)
                    return .commit
                }
                return report
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw .database(path: source, reason: error.message ?? "\(error)")
        } catch {
            throw .database(path: source, reason: "\(error)")
        }
    }

    /// The source must be SQLite with exactly this binary's migrations.
    private func checkMergeSource(_ source: String) throws(StoreError) {
        var config = Configuration()
        config.readonly = true
        let versions: [Int]
        do {
            let queue = try DatabaseQueue(path: source, configuration: config)
            defer { try? queue.close() }
            versions = try queue.read { db in
                try migrator.validate(db)
                guard try db.tableExists("schema_migrations") else { return [] }
                return try Int.fetchAll(db, sql: "SELECT version FROM schema_migrations ORDER BY version")
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw .notADatabase(path: source)
        } catch {
            throw .cannotOpen(path: source, reason: "\(error)")
        }
        let ours = migrator.migrations.map(\.version).sorted()
        guard versions == ours else {
            throw .database(path: source, reason: "its schema version \(versions.last ?? 0) is older than this gradbook's "
                + "(\(migrator.latestVersion)); open it once with this gradbook (e.g. gradbook runs --db \(source)) to upgrade it, then merge")
        }
    }

    private func mergeRows(_ db: Database, source: String) throws -> MergeReport {
        var report = MergeReport()
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
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS merge_map (old INTEGER PRIMARY KEY, new INTEGER NOT NULL)")
        try db.execute(sql: "DELETE FROM temp.merge_map")
        // A run's own columns as they are, but its id (each store numbers its own) and the ids of its
        // experiment and sweep, matched by name.
        let runColumns = try db.columns(in: "runs").map(\.name).filter { !["id", "experiment_id", "sweep_id"].contains($0) }
        let copyRun = """
            INSERT INTO main.runs (experiment_id, sweep_id, \(runColumns.map { "\"\($0)\"" }.joined(separator: ", ")))
            SELECT (SELECT m.id FROM main.experiments m JOIN src.experiments x ON x.name = m.name WHERE x.id = r.experiment_id),
                   (SELECT m.id FROM main.sweeps m JOIN src.sweeps s ON s.name = m.name WHERE s.id = r.sweep_id),
                   \(runColumns.map { "r.\"\($0)\"" }.joined(separator: ", "))
            FROM src.runs r WHERE r.id = ?
            """
        for row in try Row.fetchAll(db, sql: "SELECT id, uuid FROM src.runs ORDER BY id") {
            let old: Int64 = row["id"], uuid: String = row["uuid"]
            if try SQLRequest<Bool>(literal: "SELECT 1 FROM main.runs WHERE uuid = \(uuid)").fetchOne(db) == true {
                report.runsAlreadyPresent += 1
                continue
            }
            try db.execute(sql: copyRun, arguments: [old])
            try db.execute(literal: "INSERT INTO temp.merge_map (old, new) VALUES (\(old), \(db.lastInsertedRowID))")
            report.runsAdded += 1
        }
        // Every table of a run, parents first, every column but run_id as it is, and run_id mapped.
        for table in RunTable.all {
            let columns = try db.columns(in: table.name).map(\.name).filter { $0 != "run_id" && $0 != table.localID }
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            try db.execute(sql: """
                INSERT INTO main."\(table.name)" (run_id, \(list))
                SELECT m.new, \(columns.map { "t.\"\($0)\"" }.joined(separator: ", ")) FROM src."\(table.name)" t JOIN temp.merge_map m ON m.old = t.run_id
                """)
        }
        try db.execute(sql: """
            UPDATE main.sweeps SET status = 'finished', updated_at = \(Timestamp.nowSQL)
            WHERE NOT EXISTS (
                SELECT 1 FROM main.sweep_configs c WHERE c.sweep_id = sweeps.id AND NOT EXISTS (
                    SELECT 1 FROM main.runs r WHERE r.sweep_id = c.sweep_id AND r.sweep_index = c.idx AND r.status IN ('finished', 'diverged')));
            DROP TABLE temp.merge_map;
            """)
        return report
    }
}
