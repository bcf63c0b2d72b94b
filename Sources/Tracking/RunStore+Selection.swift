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
            if let sweep = selection.sweep, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM sweeps WHERE name = ?)",
                                                              arguments: [sweep]) != true {
                throw StoreError.unknownSweep(sweep)
            }
            let resolver = TermResolver(db: db)
            var conditions: [SQLFragment] = []
            if !explicit.isEmpty { conditions.append(SQLFragment("r.id IN (SELECT value FROM json_each(?))", [Self.jsonArray(explicit)])) }
            if let sweep = selection.sweep { conditions.append(SQLFragment("r.sweep_id = (SELECT id FROM sweeps WHERE name = ?)", [sweep.databaseValue])) }
            if let experiment = selection.experiment {
                conditions.append(SQLFragment("r.experiment_id = (SELECT id FROM experiments WHERE name = ?)", [experiment.databaseValue]))
            }
            if !selection.statuses.isEmpty {
                let status = SQLFragment(TermResolver.attributes.first { $0.key == "status" }!.value)
                conditions.append(SQLFragment(status.sql + " IN (SELECT value FROM json_each(?))",
                                              [Self.jsonArray(selection.statuses.map(\.rawValue))]))
            }
            for tag in selection.tags {
                let parts = tag.split(separator: "=", maxSplits: 1).map(String.init)
                conditions.append(parts.count == 2
                    ? SQLFragment("EXISTS (SELECT 1 FROM tags WHERE run_id = r.id AND key = ? AND value = ?)", [parts[0].databaseValue, parts[1].databaseValue])
                    : SQLFragment("EXISTS (SELECT 1 FROM tags WHERE run_id = r.id AND key = ?)", [tag.databaseValue]))
            }
            if let filter { conditions.append(try Self.labelled("--where", selection.filter) { try resolver.sql(filter) }) }
            var sql = "SELECT r.id FROM runs r"
            var arguments = conditions.flatMap(\.arguments)
            if !conditions.isEmpty { sql += " WHERE " + conditions.map(\.sql).joined(separator: " AND ") }
            if let sort {
                let key = try Self.labelled("--sort", selection.sort) { try resolver.sql(sort.term) }
                // Missing values last, whichever the direction; ties by id.
                sql += " ORDER BY (\(key.sql)) IS NULL, (\(key.sql)) \(sort.descending ? "DESC" : "ASC"), r.id"
                arguments += key.arguments + key.arguments
            } else if explicit.isEmpty {
                sql += " ORDER BY r.id DESC"
            }
            if let limit = selection.limit {
                sql += " LIMIT ?"
                arguments.append(limit.databaseValue)
            }
            let ids = try Int64.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
            guard sort == nil, !explicit.isEmpty else { return ids }
            let found = Set(ids)
            var seen = Set<Int64>()
            return explicit.filter { found.contains($0) && seen.insert($0).inserted }
        }
    }

    /// One row per run, in the order given, one column per term (`lr`, `best(test_loss)`, …),
    /// each headed by the term as written.
    public func table(runs: [Int64], columns: [Term]) throws(StoreError) -> ResultTable {
        try read { db in
            let resolver = TermResolver(db: db)
            let fragments = try columns.map { term in try Self.labelled("--columns", nil) { try resolver.sql(term) } }
            var rows: [Int64: [Cell]] = [:]
            let sql = "SELECT r.id" + fragments.map { ", " + $0.sql }.joined()
                + " FROM runs r WHERE r.id IN (SELECT value FROM json_each(?))"
            let statement = try db.makeStatement(sql: sql)
            statement.arguments = StatementArguments(fragments.flatMap(\.arguments) + [Self.jsonArray(runs)])
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                rows[row[0]] = (1...fragments.count).map { Cell(row[$0] as DatabaseValue) }
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
