import Foundation
import GRDB

/// The Gradbook database: one SQLite file in WAL mode holding runs, their hyperparameters and
/// their per-epoch metrics, diagnostics, alerts and weights.
///
/// Opening validates the file before anything is written (an SQLite file, a schema this binary
/// knows, unchanged migrations), then applies pending migrations. Concurrent writers, in this
/// process or others, wait for each other up to the busy timeout instead of failing. A store
/// opened to ``StoreAccess/read`` is one read-only connection: nothing is written.
///
/// Its connections are its own: reads and writes go through its methods, which return plain
/// `Codable` values. (Other programs read the file with any SQLite client; the records of its
/// tables are GRDB records.)
///
/// ## Topics
/// - ``init(path:busyTimeout:access:)``, ``init(path:busyTimeout:create:)``
/// - ``startRun(_:identity:)``, ``record(run:_:)``, ``beat(run:)``
/// - ``reapCrashedRuns(identity:)``
public final class RunStore: SweepRecorder {
    /// `./gradbook.sqlite`, unless `--db` or `GRADBOOK_DB` say otherwise.
    public static let defaultPath = "gradbook.sqlite"
    /// A `running` run from another host whose heartbeat is older than this has lost its
    /// process: the one staleness bound.
    public static let staleAfter: Double = 60

    public let path: String
    /// A pool (a writer and its readers) or, for ``StoreAccess/read``, one read-only connection.
    let database: any DatabaseWriter
    /// Opened to read only: nothing is written, not even a checkpoint at close.
    public let readOnly: Bool
    let migrator: SchemaMigrator
    /// How long a write waits for another writer before it fails.
    public let busyTimeout: Double
    /// The file opened (device and inode), to notice when it is deleted or replaced under us.
    let fileIdentity: FileIdentity?

    /// Opens the database at `path` and brings its schema up to date; with `create`, a missing
    /// or empty file becomes a new store.
    ///
    /// Only a Gradbook store, an empty file or (with `create`) no file at all is opened: a path
    /// that is a folder, a device, a `file:` URI, a file that is not SQLite, an SQLite database
    /// of something else, a newer schema or an edited migration is refused, and the file is left
    /// byte for byte as it was.
    /// - Throws: ``StoreError`` saying which, and ``StoreError/noDatabase(path:)`` for a missing
    ///   file without `create`.
    public convenience init(path: String, busyTimeout: Double = 10, create: Bool = true) throws(StoreError) {
        try self.init(path: path, busyTimeout: busyTimeout, access: create ? .create : .write)
    }

    /// Opens the database at `path` for `access`. ``StoreAccess/read`` opens an existing store
    /// through one read-only connection, checked as any store is; a store that needs a migration
    /// (written by an earlier version) and an empty file are opened for writing to bring them up
    /// to date, once.
    public init(path: String, busyTimeout: Double = 10, access: StoreAccess) throws(StoreError) {
        try Self.checkPath(path, create: access == .create)
        self.path = path
        self.busyTimeout = busyTimeout
        migrator = SchemaMigrator(migrations: Migration.embedded, baseline: Migration.baseline, path: path)
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // WAL with synchronous=NORMAL: a commit survives any crash of the process; only a
            // power loss can drop the last commits, never corrupt the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        // Processes that open a new file at the same instant race to create it and switch it
        // to WAL, a step where SQLite answers "busy" without waiting: retry until the timeout.
        let deadline = Date().addingTimeInterval(busyTimeout)
        var pause = 0.005
        while true {
            do {
                (database, readOnly) = try Self.openDatabase(path: path, access: access, migrator: migrator, config: config, busyTimeout: busyTimeout)
                fileIdentity = FileIdentity(path: path)
                return
            } catch let error as DatabaseError where (error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED) && Date() < deadline {
                Thread.sleep(forTimeInterval: pause * Double.random(in: 0.5...1.5))
                pause = min(pause * 2, 0.2)
            } catch let error as StoreError {
                throw error
            } catch let error as DatabaseError {
                switch error.resultCode {
                case .SQLITE_NOTADB: throw .notADatabase(path: path)
                case .SQLITE_CORRUPT: throw .corrupt(path: path, reason: error.message ?? "\(error)")
                case .SQLITE_BUSY, .SQLITE_LOCKED: throw .busy(path: path, seconds: busyTimeout)
                case .SQLITE_READONLY: throw .readOnly(path: path)
                case .SQLITE_FULL: throw .full(path: path)
                case .SQLITE_CANTOPEN where !Paths.isWritable(Paths.folder(of: path)):
                    throw .readOnly(path: path)
                default: throw .cannotOpen(path: path, reason: error.message ?? "\(error)")
                }
            } catch {
                throw .cannotOpen(path: path, reason: "\(error)")
            }
        }
    }

    /// Folds the write-ahead log back into the database file, then closes every connection.
    ///
    /// The checkpoint is passive (it never waits for other processes' readers), and it is
    /// explicit because GRDB closes the pool's writer before its read-only readers, so the last
    /// connection to close cannot checkpoint by itself. Another connection checkpointing at the
    /// same moment (SQLite answers busy) folds the log in itself: the store closes all the same.
    public func close() throws(StoreError) {
        do {
            if !readOnly {
                do { try database.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) } } catch let error as DatabaseError
                    where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {}
            }
            try database.close()
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// The schema version applied to this database.
    public func schemaVersion() throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT MAX(version) FROM schema_migrations") ?? 0 }
    }

    // MARK: - Run lifecycle

    /// Opens a run as `running`, with its hyperparameters and tags, in one transaction.
    /// - Returns: the run's short id.
    public func startRun(_ new: NewRun, identity: ProcessIdentity) throws(StoreError) -> Int64 {
        try write { db in try Self.insertRun(new, identity: identity, db) }
    }

    /// The rows of a new run: `runs`, its parameters and tags.
    static func insertRun(_ new: NewRun, identity: ProcessIdentity, _ db: Database) throws -> Int64 {
        try refuseNUL([("the run's name", new.name), ("the experiment's name", new.experiment)]
                      + new.tags.flatMap { [("a tag's name", $0.key), ("tag '\($0.key)'", $0.value)] })
        let now = Timestamp.now()
        let row = RunRow(uuid: UUID().uuidString.lowercased(), name: new.name, experimentID: try Self.experimentID(new.experiment, db),
                         sweepID: new.sweepID, sweepIndex: new.sweepIndex, status: .running, createdAt: now, startedAt: now,
                         heartbeatAt: now, pid: identity.pid, host: identity.host, processStart: identity.start, seed: new.seed,
                         epochsPlanned: new.epochsPlanned, config: new.configJSON, gradbookVersion: new.gradbookVersion)
        try row.insert(db)
        let id = db.lastInsertedRowID
        try ParamRow.insertAll(new.params.sorted(by: { $0.key < $1.key }).lazy.map { ParamRow(runID: id, name: $0.key, value: $0.value) }, db)
        try TagRow.insertAll(new.tags.sorted(by: { $0.key < $1.key }).lazy.map { TagRow(runID: id, key: $0.key, value: $0.value) }, db)
        return id
    }

    /// Records a run's writes in one transaction, in order: a reader sees all of them or none
    /// (each epoch whole, and a run's closing snapshots with its final status). One commit for
    /// many writes is what lets a writer that fell behind a small network's training catch up.
    public func record(run: Int64, _ writes: [RunWrite]) throws(StoreError) {
        try checkFileIsStillThere()
        try write { db in
            let received = Timestamp.now()
            for w in writes { try Self.apply(w, run: run, received: received, db) }
        }
    }

    /// Runs one of a run's own statements, kept prepared: a run's opening and closing writes
    /// are the same few statements for every run, and compiling them again each time was a
    /// sixth of a run's closing write.
    private static func execute(_ db: Database, _ literal: SQL) throws {
        try db.cachedStatement(literal: literal).execute()
    }

    /// One write of a run's, inside the caller's transaction; an epoch not stamped yet is
    /// stamped `received` (the transaction's time: one clock reading and formatting per commit,
    /// not per epoch).
    static func apply(_ w: RunWrite, run: Int64, received: String, _ db: Database) throws {
        switch w {
        case .epoch(let e):
            var row = e
            row.runID = run
            row.recordedAt = row.recordedAt ?? received
            try row.insertPrepared(db)
            try MetricRow.insertAll(e.extra.lazy.filter { !EpochRecord.extraColumnSet.contains($0.key) }
                .map { MetricRow(runID: run, epoch: e.epoch, name: $0.key, value: finite($0.value)) }, db)
            try insert(e.layers, run: run, epoch: e.epoch, db)
            try insert(e.alerts, run: run, epoch: e.epoch, db)
            if let snapshot = e.snapshot { try insert(snapshot, run: run, db) }
        case .snapshot(let s):
            try insert(s, run: run, db)
        case let .alerts(epoch, alerts):
            try insert(alerts, run: run, epoch: epoch, db)
        case let .checkpoint(epoch, state):
            try execute(db, """
                INSERT INTO checkpoints (run_id, epoch, created_at, state) VALUES (\(run), \(epoch), \(Timestamp.now()), \(state))
                ON CONFLICT (run_id) DO UPDATE SET epoch = excluded.epoch, created_at = excluded.created_at, state = excluded.state
                """)
        case .confusion(let confusion):
            try execute(db, "DELETE FROM confusion WHERE run_id = \(run)")
            // A ten-class run closes with a few hundred cells: each bound into one prepared statement.
            try ConfusionRow.insertAll(confusion.cells.lazy.map { ConfusionRow(runID: run, epoch: confusion.epoch, cell: $0) }, db)
        case .inputTransform(let json):
            try execute(db, "UPDATE runs SET input_transform = \(json) WHERE id = \(run)")
        case let .finish(status, error, stopReason):
            let now = Timestamp.now()
            try execute(db, """
                UPDATE runs SET status = \(status), error = \(error), stop_reason = \(stopReason), ended_at = \(now), heartbeat_at = \(now)
                WHERE id = \(run)
                """)
            // A checkpoint is kept only while the run can be resumed.
            if status != .interrupted { try execute(db, "DELETE FROM checkpoints WHERE run_id = \(run)") }
        }
    }

    /// Marks the run alive now.
    public func beat(run: Int64) throws(StoreError) {
        try write { db in
            try db.execute(literal: "UPDATE runs SET heartbeat_at = \(Timestamp.now()) WHERE id = \(run) AND status = 'running'")
        }
    }

    /// Marks as `crashed` every `running` run whose process is gone: on this host, a pid that no
    /// longer exists; anywhere, a heartbeat older than ``staleAfter``.
    /// - Returns: the ids of the runs marked.
    @discardableResult
    public func reapCrashedRuns(identity: ProcessIdentity = .current) throws(StoreError) -> [Int64] {
        // Read first: the store's writer (busy with a sweep's epochs) is waited for only when a
        // run is dead; the write checks again.
        let dead = try read { db in
            try SQLRequest<Row>(literal: "SELECT \(Self.livenessColumns()) FROM runs r WHERE status = 'running'").fetchAll(db)
                .contains { !Self.isAlive($0, identity: identity) }
        }
        guard dead else { return [] }
        // A store opened to read closes them through a writer of its own, opened for that.
        if readOnly {
            let writer = try RunStore(path: path, busyTimeout: busyTimeout, access: .write)
            defer { try? writer.close() }
            return try writer.reapCrashedRuns(identity: identity)
        }
        return try write { db in
            let rows = try SQLRequest<Row>(literal: "SELECT id, pid, host, heartbeat_at, \(Self.livenessColumns()) FROM runs r WHERE status = 'running'")
                .fetchAll(db)
            var reaped: [Int64] = []
            for row in rows {
                let id: Int64 = row["id"], pid: Int32? = row["pid"], host: String? = row["host"]
                guard !Self.isAlive(row, identity: identity) else { continue }
                let last: String? = row["heartbeat_at"]
                let reason = "process \(pid.map(String.init) ?? "?") on \(host ?? "?") stopped without closing the run"
                    + (last.map { " (last heartbeat \($0) UTC)" } ?? "")
                try db.execute(literal: """
                    UPDATE runs SET status = 'crashed', ended_at = COALESCE(heartbeat_at, created_at), error = \(reason)
                    WHERE id = \(id) AND status = 'running'
                    """)
                reaped.append(id)
            }
            return reaped
        }
    }

    /// The columns ``isAlive(_:identity:)`` reads, from runs aliased `r` (`start: false` for a
    /// store written before start marks were kept, which read-only readers do not migrate).
    static func livenessColumns(start: Bool = true) -> SQL {
        """
        r.pid AS live_pid, r.host AS live_host, \(sql: start ? "r.process_start" : "NULL") AS live_start,
        COALESCE(r.heartbeat_at, r.created_at) < strftime('%Y-%m-%d %H:%M:%f', 'now', \("-\(Int(staleAfter)) seconds")) AS live_stale
        """
    }

    /// Whether the process of a run still runs: the one rule behind `crashed`.
    ///
    /// On this host its pid and start mark decide (``ProcessIdentity/isAlive(pid:start:)``): a
    /// live process is never taken for dead, whatever its heartbeat says, and a pid given to a
    /// later process is not taken for alive. Of another host nothing can be asked: a heartbeat
    /// older than ``staleAfter`` by this host's clock means gone (the copy of a run merged from a
    /// shard; merging the shard again brings back one that was only slow or behind in time).
    static func isAlive(_ row: Row, identity: ProcessIdentity) -> Bool {
        let pid: Int32? = row["live_pid"], host: String? = row["live_host"], start: String? = row["live_start"]
        guard host == identity.host, let pid else { return !(row["live_stale"] as Bool? ?? true) }
        if pid == identity.pid && (start == nil || start == identity.start) { return true }
        return ProcessIdentity.isAlive(pid: pid, start: start)
    }

    /// Refuses text with a NUL byte: SQLite keeps it, but C strings, terminals and most
    /// readers stop at it, so what was stored is not what comes out.
    static func refuseNUL(_ texts: [(what: String, text: String?)]) throws(StoreError) {
        for (what, text) in texts where text?.contains("\u{0}") == true { throw .nulByte(what: what) }
    }

    /// The id of the experiment named `name`, created if new; `nil` for no name.
    static func experimentID(_ name: String?, _ db: Database) throws -> Int64? {
        guard let name else { return nil }
        try db.execute(literal: "INSERT INTO experiments (name, created_at) VALUES (\(name), \(Timestamp.now())) ON CONFLICT(name) DO NOTHING")
        return try SQLRequest<Int64>(literal: "SELECT id FROM experiments WHERE name = \(name)").fetchOne(db)
    }

    // MARK: - Access

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.write(body) } catch { throw mapped(error) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try database.read(body) } catch { throw mapped(error) }
    }

    /// Fails when the database file was deleted, moved or replaced since it was opened: SQLite
    /// would go on writing into the unlinked file, and every epoch after that would be lost.
    public func checkFileIsStillThere() throws(StoreError) {
        guard let opened = fileIdentity, FileIdentity(path: path) != opened else { return }
        throw .fileVanished(path: path)
    }

    func mapped(_ error: any Error) -> StoreError {
        if let e = error as? StoreError { return e }
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path, seconds: busyTimeout)
            case .SQLITE_FULL: return .full(path: path)
            case .SQLITE_READONLY: return .readOnly(path: path)
            case .SQLITE_CORRUPT: return .corrupt(path: path, reason: e.message ?? "\(e)")
            case .SQLITE_IOERR: return .database(path: path, reason: "a write or read of the file failed (\(e.message ?? "disk I/O error")): "
                                                 + "a full disk, a file-size limit, a vanished folder or a failing device")
            default: return .database(path: path, reason: e.message ?? "\(e)")
            }
        }
        return .database(path: path, reason: "\(error)")
    }
}

