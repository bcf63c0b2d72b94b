import Foundation
import GRDB

extension RunStore {
    /// The ids of the runs a selection names, in its order.
    ///
    /// - Throws: ``StoreError/invalidQuery(_:)`` for a filter or sort key that cannot be read or
    ///   names something the store does not hold; ``StoreError/unknownRun(_:)`` for a run
    ///   reference that matches no run; ``StoreError/unknownSweep(_:)`` for a sweep name.
    public func select(_ selection: RunSelection) throws(StoreError) -> [Int64] {
        let explicit = try selection.runs.map { reference throws(StoreError) in try run(reference).id }
        let filter = try parsed("--where", selection.filter) { text throws(FilterError) in try FilterParser.filter(text) }
        let sort = try parsed("--sort", selection.sort) { text throws(FilterError) in try FilterParser.sortKey(text) }
        return try read { db in
            for sweep in selection.sweeps
            where try SQLRequest<Bool>(literal: "SELECT EXISTS (SELECT 1 FROM sweeps WHERE name = \(sweep))").fetchOne(db) != true {
                throw StoreError.unknownSweep(sweep)
            }
            let resolver = TermResolver(db: db)
            var conditions: [SQL] = []
            if !explicit.isEmpty { conditions.append("r.id IN (SELECT value FROM json_each(\(Self.jsonArray(explicit))))") }
            if !selection.sweeps.isEmpty {
                conditions.append("r.sweep_id IN (SELECT id FROM sweeps WHERE name IN (SELECT value FROM json_each(\(Self.jsonArray(selection.sweeps)))))")
            }
            if !selection.experiments.isEmpty {
                conditions.append("r.experiment_id IN (SELECT id FROM experiments WHERE name IN (SELECT value FROM json_each(\(Self.jsonArray(selection.experiments)))))")
            }
            if !selection.statuses.isEmpty {
                conditions.append("r.status IN (SELECT value FROM json_each(\(Self.jsonArray(selection.statuses.map(\.rawValue)))))")
            }
            for tag in selection.tags {
                let parts = tag.split(separator: "=", maxSplits: 1).map(String.init)
                conditions.append(parts.count == 2
                    ? "EXISTS (SELECT 1 FROM tags WHERE run_id = r.id AND key = \(parts[0]) AND value = \(parts[1]))"
                    : "EXISTS (SELECT 1 FROM tags WHERE run_id = r.id AND key = \(tag))")
            }
            if let filter { conditions.append(try Self.labelled("--where", selection.filter) { try resolver.sql(filter) }) }
            var sql: SQL = "SELECT r.id FROM runs r"
            if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
            if let sort {
                let key = try Self.labelled("--sort", selection.sort) { try resolver.sql(sort.term) }
                // Missing values last, whichever the direction; ties by id.
                sql += " ORDER BY (\(key)) IS NULL, (\(key)) \(sql: sort.descending ? "DESC" : "ASC"), r.id"
            } else if explicit.isEmpty {
                sql += " ORDER BY r.id DESC"
            }
            if let limit = selection.limit { sql += " LIMIT \(limit)" }
            let ids = try SQLRequest<Int64>(literal: sql).fetchAll(db)
            guard sort == nil, !explicit.isEmpty else { return ids }
            let found = Set(ids)
            var seen = Set<Int64>()
            return explicit.filter { found.contains($0) && seen.insert($0).inserted }
        }
    }

    /// One row per run, in the order given, one column per term (`lr`, `best(test_loss)`, …),
    /// each headed by the term as written.
    ///
    /// - Parameters:
    ///   - options: the option each column came from, for error messages (`--columns` by default).
    ///   - unknownAsNull: a name this store does not hold gives an empty column instead of an
    ///     error (default columns, which name hyperparameters a store may not have yet).
    public func table(runs: [Int64], columns: [Term], options: [String]? = nil, unknownAsNull: Bool = false) throws(StoreError) -> ResultTable {
        try read { db in
            let resolver = TermResolver(db: db)
            let fragments = try columns.enumerated().map { i, term in
                try Self.labelled(options?[i] ?? "--columns", nil) { () throws -> SQL in
                    do { return try resolver.sql(term) } catch let error as FilterError
                        where unknownAsNull && (error.message.hasPrefix("unknown name") || error.message.hasPrefix("unknown metric")) {
                        return "NULL"
                    }
                }
            }
            var rows: [Int64: [Cell]] = [:]
            let selected: [SQL] = ["r.id"] + fragments
            let sql: SQL = "SELECT \(selected.joined(separator: ", ")) FROM runs r WHERE r.id IN (SELECT value FROM json_each(\(Self.jsonArray(runs))))"
            let cursor = try SQLRequest<Row>(literal: sql).fetchCursor(db)
            while let row = try cursor.next() {
                rows[row[0]] = (0..<fragments.count).map { Cell(row[$0 + 1] as DatabaseValue) }
            }
            return ResultTable(columns: columns.map(\.text), rows: runs.compactMap { rows[$0] })
        }
    }

    private func parsed<T>(_ option: String, _ text: String?, _ parse: (String) throws(FilterError) -> T) throws(StoreError) -> T? {
        guard let text else { return nil }
        do {
            return try parse(text)
        } catch {
            var e = error
            e.option = option
            throw .invalidQuery(e)
        }
    }

    /// Runs `body`, labelling a ``FilterError`` it throws with the option and text it came from.
    static func labelled<T>(_ option: String, _ text: String?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as FilterError {
            e.option = option
            e.text = e.text ?? text
            throw StoreError.invalidQuery(e)
        }
    }

    /// Values as one JSON array argument, for `IN (SELECT value FROM json_each(?))`.
    static func jsonArray<T: Encodable>(_ values: [T]) -> DatabaseValue {
        String(decoding: (try? JSONEncoder().encode(values)) ?? Data("[]".utf8), as: UTF8.self).databaseValue
    }
}
