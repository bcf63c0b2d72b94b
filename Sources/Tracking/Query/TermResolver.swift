import GRDB

/// Turns terms and filters into SQL over one run, aliased `r` in the enclosing query.
///
/// A name resolves, in this order, to an attribute of the run (`status`, `sweep`, …), a tag
/// (`tag.KEY`), an alert count (`alerts`, `alert.KIND`), a metric (`test_loss`, the diagnostics
/// `dead_units`, `dead_fraction`, `saturated_fraction`, or any name in `metrics`), or a
/// hyperparameter. A bare metric means its final value; functions reduce its curve.
/// Names and values become bound arguments; only Gradbook's own templates become SQL text.
struct TermResolver {
    let db: Database

    /// Attributes of the run itself.
    static let attributes: KeyValuePairs<String, SQL> = [
        "id": "r.id",
        "uuid": "r.uuid",
        "name": "r.name",
        "status": "r.status",
        "sweep": "(SELECT name FROM sweeps WHERE id = r.sweep_id)",
        "experiment": "(SELECT name FROM experiments WHERE id = r.experiment_id)",
        "created": "r.created_at",
        "started": "r.started_at",
        "ended": "r.ended_at",
        "epochs_done": "(SELECT COALESCE(MAX(epoch), 0) FROM epochs WHERE run_id = r.id)",
        "duration": "(SELECT SUM(seconds) FROM epochs WHERE run_id = r.id)",
        "host": "r.host",
        "error": "r.error",
        "stop_reason": "r.stop_reason",
    ]

    /// Metrics with a column of their own in `epochs`.
    static let epochColumns = Metric.catalogue.filter { $0.source == .epochs }.map(\.name)

    /// Per-epoch diagnostics over the layers of `layer_health`.
    static let diagnostics = Metric.catalogue.filter { $0.source == .layers }

    /// The longest LIKE pattern SQLite accepts by default.
    static let maxLikePattern = 50_000

    // MARK: - Filters

    func sql(_ e: FilterExpression) throws -> SQL {
        switch e {
        // A chain of `and` (or of `or`) becomes one flat list: nesting parentheses per term
        // would overflow SQLite's parser stack after a hundred or so.
        case .and: return "(\(try chain(e, and: true).map(sql).joined(separator: " AND ")))"
        case .or: return "(\(try chain(e, and: false).map(sql).joined(separator: " OR ")))"
        case let .not(a): return "NOT (\(try sql(a)))"
        case let .compare(a, op, b):
            return try combine(operand(a), op.rawValue, operand(b))
        case let .isIn(a, list, negated):
            let items = try list.map(operand).joined(separator: ", ")
            return "(\(try operand(a)) \(sql: negated ? "NOT IN" : "IN") (\(items)))"
        case let .like(a, b, negated):
            // SQLite refuses longer patterns (SQLITE_LIMIT_LIKE_PATTERN_LENGTH) with an SQL error.
            if case .text(let pattern) = b, pattern.utf8.count > Self.maxLikePattern {
                let column = if case .term(let t) = a { t.column } else { 1 }
                throw FilterError(column: column, message: "a like pattern of \(pattern.utf8.count) bytes; expected at most \(Self.maxLikePattern)")
            }
            return try combine(operand(a), negated ? "NOT LIKE" : "LIKE", operand(b))
        case let .isNull(a, negated):
            return "(\(try operand(a)) \(sql: negated ? "IS NOT NULL" : "IS NULL"))"
        }
    }

    /// The operands of a chain of `and` (or of `or`), left to right.
    private func chain(_ e: FilterExpression, and: Bool) -> [FilterExpression] {
        switch e {
        case let .and(a, b) where and: chain(a, and: true) + chain(b, and: true)
        case let .or(a, b) where !and: chain(a, and: false) + chain(b, and: false)
        default: [e]
        }
    }

    /// `(a op b)`; `op` is one of Gradbook's own operators, never user text.
    private func combine(_ a: SQL, _ op: String, _ b: SQL) -> SQL {
        "(\(a) \(sql: op) \(b))"
    }

    private func operand(_ o: FilterExpression.Operand) throws -> SQL {
        switch o {
        case .integer(let v): "\(v)"
        case .number(let v): "\(v)"
        case .text(let s): "\(s)"
        case .term(let t): try sql(t)
        }
    }

    // MARK: - Terms

    /// The SQL of one term: a scalar subquery or column over the run `r`.
    func sql(_ term: Term) throws -> SQL {
        if let function = term.function {
            guard let series = try series(term.name) else {
                if try isParam(term.name) {
                    throw FilterError(column: term.column, message: "\(function)() takes a metric, and '\(term.name)' is a hyperparameter")
                }
                throw try unknown(term)
            }
            switch function {
            case "at_best":
                let byName = term.by ?? ""
                guard let by = try self.series(byName) else { throw try unknown(Term(name: byName, function: "best", column: term.column)) }
                return "(SELECT v FROM (\(series.sql)) WHERE epoch = \(reduce(by, "best_epoch", term)))"
            case "selected", "selected_epoch", "selected_on": return try selected(series, function, term)
            default: return reduce(series, function, term)
            }
        }
        let name = term.name
        if let sql = Self.attributes.first(where: { $0.key == name })?.value { return sql }
        if let key = Self.suffix(of: name, after: "tag") {
            return "(SELECT value FROM tags WHERE run_id = r.id AND key = \(key))"
        }
        if let param = Self.suffix(of: name, after: "param") {
            return "(SELECT value FROM params WHERE run_id = r.id AND name = \(param))"
        }
        if name == "alerts" {
            return "(SELECT COUNT(DISTINCT epoch) FROM alerts WHERE run_id = r.id AND severity != \(AlertKind.Severity.note))"
        }
        if let text = Self.suffix(of: name, after: "alert") {
            guard let kind = AlertKind(rawValue: text) else {
                throw FilterError(column: term.column, message: "unknown alert '\(text)'; expected alert. followed by one of "
                                  + AlertKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            // Rows the monitor judged milder than the kind's usual severity (a saturated layer whose gradient flows) are notes.
            let counted = AlertKind.Severity.allCases.filter { $0 >= kind.severity }
            return "(SELECT COUNT(DISTINCT epoch) FROM alerts WHERE run_id = r.id AND kind = \(kind) AND severity IN \(counted))"
        }
        let isStandard = Self.epochColumns.contains(name) || Self.diagnostics.contains { $0.name == name }
        if !isStandard, try isParam(name) {
            return "(SELECT value FROM params WHERE run_id = r.id AND name = \(name))"
        }
        if let series = try series(name) { return reduce(series, "final", term) }
        throw try unknown(term)
    }

    /// A metric's curve as `SELECT epoch, v …` for one run (`r.id` by default), with the
    /// metric; nil when no metric has that name.
    func series(_ name: String, run: SQL = "r.id") throws -> (sql: SQL, metric: Metric)? {
        let metric = Metric.named(name)
        switch metric.source {
        case .epochs where Self.epochColumns.contains(name):
            return ("SELECT epoch, \(identifier: name) AS v FROM epochs WHERE run_id = \(run) AND \(identifier: name) IS NOT NULL", metric)
        case .layers:
            return ("SELECT epoch, \(sql: metric.layerAggregate!) AS v FROM layer_health WHERE run_id = \(run) GROUP BY epoch HAVING v IS NOT NULL",
                    metric)
        default:
            guard try SQLRequest<Bool>(literal: "SELECT EXISTS (SELECT 1 FROM extra_metrics WHERE name = \(name))").fetchOne(db) == true else {
                return nil
            }
            return ("SELECT epoch, value AS v FROM extra_metrics WHERE run_id = \(run) AND name = \(name) AND value IS NOT NULL", metric)
        }
    }

    /// A function of a curve; `best` and `best_epoch` follow the metric's ``Goal`` (ties: the
    /// earliest epoch).
    private func reduce(_ series: (sql: SQL, metric: Metric), _ function: String, _ term: Term) -> SQL {
        let s = series.sql, goal = series.metric.goal
        switch function {
        case "first": return "(SELECT v FROM (\(s)) ORDER BY epoch LIMIT 1)"
        case "min": return "(SELECT MIN(v) FROM (\(s)))"
        case "max": return "(SELECT MAX(v) FROM (\(s)))"
        case "best": return "(SELECT \(sql: goal.aggregate)(v) FROM (\(s)))"
        case "mean": return "(SELECT AVG(v) FROM (\(s)))"
        case "median":
            // The middle value, or the mean of the two middle ones.
            return """
                (SELECT AVG(v) FROM (SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS rank, COUNT(*) OVER () AS n \
                FROM (\(s))) WHERE rank IN ((n + 1) / 2, (n + 2) / 2))
                """
        case "best_epoch": return "(SELECT epoch FROM (\(s)) ORDER BY v \(sql: goal.order), epoch LIMIT 1)"
        case "at": return "(SELECT v FROM (\(s)) WHERE epoch = \(term.epoch ?? 0))"
        default: return "(SELECT v FROM (\(s)) ORDER BY epoch DESC LIMIT 1)"
        }
    }

    /// `selected(M)`, `selected_epoch(M)` or `selected_on(M)`: the run's epoch chosen by M's
    /// validation counterpart when the run has a validation curve, else by M itself (one rule,
    /// so the sweep table, pivots, `show` and exports select alike).
    private func selected(_ series: (sql: SQL, metric: Metric), _ function: String, _ term: Term) throws -> SQL {
        let own = reduce(series, "best_epoch", term)
        guard let counterpart = series.metric.validationCounterpart, try storeHasValidation(),
              let validation = try self.series(counterpart.name) else {
            // No validation curve in the store: every run is selected on the metric itself.
            switch function {
            case "selected_epoch": return own
            case "selected_on": return "(CASE WHEN EXISTS (\(series.sql)) THEN \(series.metric.name) END)"
            default: return reduce(series, "best", term)
            }
        }
        let hasValidation: SQL = "EXISTS (\(validation.sql))"
        let epoch: SQL = "(CASE WHEN \(hasValidation) THEN \(reduce(validation, "best_epoch", term)) ELSE \(own) END)"
        switch function {
        case "selected_epoch": return epoch
        case "selected_on":
            return "(CASE WHEN \(hasValidation) THEN \(counterpart.name) WHEN EXISTS (\(series.sql)) THEN \(series.metric.name) END)"
        default: return "(SELECT v FROM (\(series.sql)) WHERE epoch = \(epoch))"
        }
    }

    /// Whether any run of the store has a validation curve: an epoch with a validation loss (a run
    /// with a validation split records one at every epoch it keeps, beside its other `val_…`
    /// metrics). One seek in the index `epochs_validated`; without this test, a store of runs
    /// without validation data would look for each run's validation curve epoch by epoch.
    private func storeHasValidation() throws -> Bool {
        try SQLRequest<Bool>(literal: "SELECT EXISTS (SELECT 1 FROM epochs WHERE val_loss IS NOT NULL)").fetchOne(db) == true
    }

    /// `KEY` of `prefix.KEY` or `prefixs.KEY` (`tag.team`, `tags.team`).
    static func suffix(of name: String, after prefix: String) -> String? {
        for p in [prefix + ".", prefix + "s."] where name.hasPrefix(p) && name.count > p.count {
            return String(name.dropFirst(p.count))
        }
        return nil
    }

    private func isParam(_ name: String) throws -> Bool {
        try SQLRequest<Bool>(literal: "SELECT EXISTS (SELECT 1 FROM params WHERE name = \(name))").fetchOne(db) == true
    }

    // MARK: - Names

    /// The names a filter may use in this store, by kind.
    func names() throws -> (attributes: [String], params: [String], metrics: [String], tags: [String]) {
        let params = try String.fetchAll(db, sql: "SELECT DISTINCT name FROM params ORDER BY name")
        let extra = try String.fetchAll(db, sql: "SELECT DISTINCT name FROM extra_metrics ORDER BY name")
        let tags = try String.fetchAll(db, sql: "SELECT DISTINCT key FROM tags ORDER BY key").map { "tag." + $0 }
        let known = Metric.catalogue.filter { $0.source != .metrics }.map(\.name)
        return (Self.attributes.map(\.key) + ["alerts"] + AlertKind.allCases.map { "alert." + $0.rawValue }, params,
                known + extra.filter { !known.contains($0) }, tags)
    }

    private func unknown(_ term: Term) throws -> FilterError {
        let n = try names()
        let all = n.attributes + n.params + n.metrics + n.tags
        let close = all.map { ($0, editDistance($0.lowercased(), term.name.lowercased())) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }
        var message = term.function == nil ? "unknown name '\(term.name)'" : "unknown metric '\(term.name)'"
        if let close { message += " (did you mean '\(close.0)'?)" }
        else if term.function == nil { message += "; quote text values ('\(term.name)')" }
        message += ". Metrics: " + n.metrics.joined(separator: ", ")
        if term.function == nil {
            message += ". Hyperparameters: " + (n.params.isEmpty ? "none stored yet" : n.params.joined(separator: ", "))
                + ". Attributes: " + n.attributes.joined(separator: ", ")
                + (n.tags.isEmpty ? "" : ". Tags: " + n.tags.joined(separator: ", "))
        }
        return FilterError(column: term.column, message: message)
    }
}

/// Levenshtein distance, for "did you mean".
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    var row = Array(0...b.count)
    for i in 1...a.count {
        var previous = row[0]
        row[0] = i
        for j in stride(from: 1, through: b.count, by: 1) {
            let current = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
            previous = current
        }
    }
    return row[b.count]
}
