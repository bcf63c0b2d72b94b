import Foundation
import GRDB

extension RunStore {
    /// Sets tags on a run (a new value replaces the old one) and removes others, in one transaction.
    public func tag(run: Int64, set: [String: String], remove: [String] = []) throws(StoreError) {
        try Self.refuseNUL(set.flatMap { [("a tag's name", $0.key), ("tag '\($0.key)'", $0.value)] })
        try write { db in
            for key in remove { try db.execute(literal: "DELETE FROM tags WHERE run_id = \(run) AND key = \(key)") }
            for (key, value) in set.sorted(by: { $0.key < $1.key }) { try TagRow(runID: run, key: key, value: value).insert(db, onConflict: .replace) }
        }
    }

    /// Adds a note to a run.
    public func addNote(run: Int64, _ text: String) throws(StoreError) {
        try Self.refuseNUL([("the note", text)])
        try write { db in try Note(runID: run, text: text).insert(db) }
    }

    /// A run's notes, oldest first.
    public func notes(run: Int64) throws(StoreError) -> [Note] {
        try read { db in try Note.filter(Column("run_id") == run).order(Column("id")).fetchAll(db) }
    }

    /// How many rows each table holds for these runs (`runs` first, then every ``RunTable``):
    /// what ``delete(runs:)`` removes.
    public func rowCounts(runs: [Int64]) throws(StoreError) -> [TableCount] {
        try read { db in
            let ids = Self.jsonArray(runs)
            let runs = TableCount(table: "runs", rows: try SQLRequest<Int>(literal: "SELECT COUNT(*) FROM runs WHERE id IN (SELECT value FROM json_each(\(ids)))").fetchOne(db) ?? 0)
            return [runs] + (try RunTable.all.map { table in
                TableCount(table: table.name, rows: try SQLRequest<Int>(literal: """
                    SELECT COUNT(*) FROM \(identifier: table.name) WHERE run_id IN (SELECT value FROM json_each(\(ids)))
                    """).fetchOne(db) ?? 0)
            })
        }
    }

    /// The runs among `runs` whose process still trains them (``isAlive(_:identity:)``): those
    /// marked `running`, and those marked `crashed` whose process turns out to live.
    public func liveRuns(among runs: [Int64], identity: ProcessIdentity = .current) throws(StoreError) -> [Int64] {
        try read { db in
            try SQLRequest<Row>(literal: """
                SELECT r.id, \(Self.livenessColumns()) FROM runs r
                WHERE r.id IN (SELECT value FROM json_each(\(Self.jsonArray(runs)))) AND r.status IN ('running', 'crashed')
                """).fetchAll(db).filter { Self.isAlive($0, identity: identity) }.map { $0["id"] }
        }
    }

    /// Runs deleted per transaction: each is short, so a run training beside a large delete
    /// waits milliseconds for the lock, not the whole delete.
    static let deleteBatch = 64

    /// Deletes runs and every row of every ``RunTable`` that belongs to them, a few runs per
    /// transaction (each run whole or not at all); sweeps and experiments stay.
    ///
    /// - warning: This cannot be undone.
    /// - Returns: the rows removed per table.
    @discardableResult
    public func delete(runs: [Int64]) throws(StoreError) -> [TableCount] {
        let counts = try rowCounts(runs: runs)
        for start in stride(from: 0, to: runs.count, by: Self.deleteBatch) {
            let ids = Self.jsonArray(Array(runs[start..<min(start + Self.deleteBatch, runs.count)]))
            try write { db in
                // Children first, so that nothing depends on a foreign key's cascade.
                for table in RunTable.all.reversed() {
                    try db.execute(literal: "DELETE FROM \(identifier: table.name) WHERE run_id IN (SELECT value FROM json_each(\(ids)))")
                }
                try db.execute(literal: "DELETE FROM runs WHERE id IN (SELECT value FROM json_each(\(ids)))")
            }
        }
        return counts
    }

    /// Rebuilds the file without its free pages (SQLite's VACUUM) and empties the write-ahead log.
    public func vacuum() throws(StoreError) -> VacuumResult {
        let before = fileSize()
        do {
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "VACUUM")
                _ = try db.checkpoint(.truncate)
            }
        } catch {
            throw mapped(error)
        }
        return VacuumResult(bytesBefore: before, bytesAfter: fileSize())
    }

    /// The database file's size with its write-ahead log, in bytes.
    public func fileSize() -> Int64 {
        [path, path + "-wal"].reduce(0) { total, file in
            total + Paths.size(file)
        }
    }
}

/// The size of the database file (with its write-ahead log) before and after a VACUUM.
public struct VacuumResult: Sendable, Equatable, Codable {
    public var bytesBefore: Int64
    public var bytesAfter: Int64
}

extension RunStore {
    /// Writes a consistent copy of the whole store to `destination` (SQLite's `VACUUM INTO`: one
    /// file, no write-ahead log, readable anywhere), through a temporary file in the same folder
    /// renamed into place: `destination` is the old copy or the new one, never half of one.
    public func copy(to destination: String) throws(StoreError) {
        do { _ = try OutputTarget.check(destination, protecting: path, databases: true) } catch {
            throw .cannotOpen(path: destination, reason: error.description)
        }
        let temporary = destination + ".partial-\(getpid())"
        unlink(temporary)
        do {
            try database.writeWithoutTransaction { db in try db.execute(literal: "VACUUM INTO \(temporary)") }
            // Flushed to disk before it takes the copy's name.
            let fd = open(temporary, O_RDWR | O_CLOEXEC)
            guard fd >= 0, fsync(fd) == 0 else {
                let reason = String(cString: strerror(errno))
                if fd >= 0 { closeDescriptor(fd) }
                throw StoreError.cannotOpen(path: destination, reason: reason)
            }
            closeDescriptor(fd)
        } catch {
            unlink(temporary)
            throw mappedCopy(error, destination)
        }
        guard rename(temporary, destination) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .cannotOpen(path: destination, reason: reason)
        }
    }

    private func mappedCopy(_ error: any Error, _ destination: String) -> StoreError {
        if let e = error as? DatabaseError, e.resultCode != .SQLITE_BUSY, e.resultCode != .SQLITE_LOCKED {
            return .cannotOpen(path: destination, reason: e.message ?? "\(e)")
        }
        return mapped(error)
    }
}

/// `close(2)`: inside ``RunStore`` its own `close()` hides the C function, and naming the C
/// library's module (`Glibc`, `Darwin`) would tie the file to one platform.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
