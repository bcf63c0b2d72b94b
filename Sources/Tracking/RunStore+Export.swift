import GRDB
import GRDBSQLite

/// One point of a curve.
public struct CurvePoint: Sendable, Equatable, Codable {
    public var epoch: Int
    public var value: Double

    public init(epoch: Int, value: Double) {
        self.epoch = epoch
        self.value = value
    }
}

/// One metric of one run, epoch by epoch.
public struct Curve: Sendable, Equatable, Codable {
    public var metric: String
    public var points: [CurvePoint]

    public init(metric: String, points: [CurvePoint]) {
        self.metric = metric
        self.points = points
    }
}

extension RunStore {
    /// Checks that every name is a metric of this store.
    /// - Throws: ``StoreError/invalidQuery(_:)`` naming the first unknown one and listing the metrics.
    public func checkMetrics(_ names: [String]) throws(StoreError) {
        try read { db in
            let resolver = TermResolver(db: db)
            for name in names where try resolver.series(name) == nil {
                let metrics = try resolver.names().metrics
                throw StoreError.invalidQuery(FilterError(column: 1, message: "unknown metric '\(name)'; expected one of "
                                                          + metrics.joined(separator: ", "), option: "--metrics"))
            }
        }
    }

    /// A run's curves, in the order of `metrics`, each in epoch order; a metric the run never
    /// recorded comes back empty.
    public func curves(run: Int64, metrics: [String]) throws(StoreError) -> [Curve] {
        try curves(runs: [run], metrics: metrics)[0]
    }

    /// Each run's curves as ``curves(run:metrics:)`` gives them, read in one transaction.
    public func curves(runs: [Int64], metrics: [String]) throws(StoreError) -> [[Curve]] {
        try read { db in
            // The metrics with a column in `epochs` come from one pass over a run's epochs, in
            // one statement prepared once, the run its bound argument.
            let columns = metrics.filter(TermResolver.epochColumns.contains)
            let list = columns.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            let epochs = columns.isEmpty ? nil : try db.makeStatement(sql: "SELECT epoch, \(list) FROM epochs WHERE run_id = ? ORDER BY epoch")
            let resolver = TermResolver(db: db)
            var length = 0   // the last run's epochs: the next run's arrays are made that long
            return try runs.map { run in
                var series = [String: [CurvePoint]](minimumCapacity: columns.count)
                if let epochs {
                    var points = Array(repeating: [CurvePoint](), count: columns.count)
                    for c in points.indices { points[c].reserveCapacity(length) }
                    try Self.step(epochs, run: run) { row in
                        let epoch = Int(sqlite3_column_int64(row, 0))
                        for c in columns.indices {
                            // A number (REAL, or an integral value SQLite kept as an INTEGER); NULL
                            // (not recorded) and anything else are no point. SQLite reads both as
                            // 0, so the type is asked only then.
                            let value = sqlite3_column_double(row, CInt(c + 1))
                            if value != 0 || Self.isNumber(sqlite3_column_type(row, CInt(c + 1))) {
                                points[c].append(CurvePoint(epoch: epoch, value: value))
                            }
                        }
                    }
                    length = points.map(\.count).max() ?? 0
                    for (c, name) in columns.enumerated() { series[name] = points[c] }
                }
                return try metrics.map { name in
                    if let points = series[name] { return Curve(metric: name, points: points) }
                    guard let series = try resolver.series(name, run: "\(run)") else { return Curve(metric: name, points: []) }
                    var points: [CurvePoint] = []
                    let rows = try Row.fetchCursor(db.cachedStatement(literal: "SELECT epoch, v FROM (\(series.sql)) ORDER BY epoch"))
                    while let row = try rows.next() { points.append(CurvePoint(epoch: row[0], value: row[1])) }
                    return Curve(metric: name, points: points)
                }
            }
        }
    }

    /// Whether SQLite's column type is a number's (REAL or INTEGER).
    private static func isNumber(_ type: CInt) -> Bool { type == SQLITE_FLOAT || type == SQLITE_INTEGER }

    /// Steps `statement` with `run` as its one argument, handing each row to `body` as SQLite's
    /// own handle: the curves' hot loop, without GRDB's row and conversions per value.
    private static func step(_ statement: Statement, run: Int64, _ body: (SQLiteStatement) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        sqlite3_bind_int64(handle, 1, run)
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: body(handle)
            case SQLITE_DONE: return
            case let code: throw statement.failure(code)
            }
        }
    }

    /// The per-layer health of runs: one row per run, epoch and layer, every statistic.
    public func diagnostics(runs: [Int64]) throws(StoreError) -> ResultTable {
        try read { db in
            let statement = try db.makeStatement(literal: """
                SELECT h.run_id, r.name AS run_name, h.epoch, h.layer + 1 AS layer, h.units, h.activation, h.grad_norm_mean, h.grad_norm_max,
                       h.bias_grad_norm_mean, h.bias_grad_norm_max, h.weight_norm, h.update_ratio, h.act_mean, h.act_std,
                       h.dead_units, h.dead_fraction, h.saturated_fraction, h.eval_act_mean, h.eval_act_std, h.eval_dead_units,
                       h.eval_saturated_fraction
                FROM json_each(\(Self.jsonArray(runs))) j JOIN layer_health h ON h.run_id = j.value JOIN runs r ON r.id = h.run_id
                ORDER BY j.key, h.epoch, h.layer
                """)
            let rows = try Row.fetchAll(statement).map { row in Array(row.databaseValues.map(Cell.init)) }
            return ResultTable(columns: statement.columnNames, rows: rows)
        }
    }

    /// One row per run with everything a report needs: identity, status, timing, every
    /// hyperparameter (`params.NAME`), final and best standard metrics, alert counts and tags.
    public func runsReport(runs: [Int64]) throws(StoreError) -> ResultTable {
        let (params, tags, metrics) = try read { db in
            let ids = Self.jsonArray(runs)
            let metrics = try (Metric.standardCurves + [Metric.valLoss, .valAccuracy]).filter { m in
                try SQLRequest<Bool>(literal: """
                    SELECT EXISTS (SELECT 1 FROM epochs WHERE \(identifier: m.name) IS NOT NULL AND run_id IN (SELECT value FROM json_each(\(ids))))
                    """).fetchOne(db) == true
            }.map(\.name)
            return (try SQLRequest<String>(literal: "SELECT DISTINCT name FROM params WHERE run_id IN (SELECT value FROM json_each(\(ids))) ORDER BY name").fetchAll(db),
                    try SQLRequest<String>(literal: "SELECT DISTINCT key FROM tags WHERE run_id IN (SELECT value FROM json_each(\(ids))) ORDER BY key").fetchAll(db),
                    metrics)
        }
        var columns: [(String, Term)] = [
            ("run_id", Term(name: "id")), ("uuid", Term(name: "uuid")), ("name", Term(name: "name")),
            ("experiment", Term(name: "experiment")), ("sweep", Term(name: "sweep")), ("status", Term(name: "status")),
            ("created", Term(name: "created")), ("ended", Term(name: "ended")), ("epochs_done", Term(name: "epochs_done")),
            ("seconds", Term(name: "duration")),
        ]
        columns += params.map { ("params.\($0)", Term(name: "param.\($0)")) }
        for m in metrics {
            columns += [("final_\(m)", Term(name: m, function: "final")), ("best_\(m)", Term(name: m, function: "best")),
                        ("best_\(m)_epoch", Term(name: m, function: "best_epoch"))]
        }
        // The epoch a sweep or a pivot reports, what selected it, and the test numbers there.
        for (metric, epochColumn) in [(Metric.testLoss, "selected_epoch"), (Metric.testAccuracy, "selected_accuracy_epoch")]
        where metrics.contains(metric.name) {
            if metric == .testLoss { columns.append(("selected_on", Term(name: metric.name, function: "selected_on"))) }
            columns += [(epochColumn, Term(name: metric.name, function: "selected_epoch")),
                        ("selected_\(metric.name)", Term(name: metric.name, function: "selected"))]
        }
        columns.append(("alerts", Term(name: "alerts")))
        columns += AlertKind.allCases.map { ("alerts.\($0.rawValue)", Term(name: "alert.\($0.rawValue)")) }
        columns += tags.map { ("tags.\($0)", Term(name: "tag.\($0)")) }
        columns.append(("error", Term(name: "error")))
        let table = try table(runs: runs, columns: columns.map(\.1))
        return ResultTable(columns: columns.map(\.0), rows: table.rows)
    }
}
