import Foundation
public import Tracking

/// Runs side by side (`gradbook compare`): the hyperparameters that differ (the shared ones on
/// one line), final and best metrics, and the epoch at which each first reached a condition.
public struct RunComparison {
    public let runs: [StoredRun]
    public let shared: [(String, String)]
    public let table: ResultTable

    public init(store: RunStore, runs ids: [Int64], reach: [String]) throws {
        runs = try ids.map { try store.run(String($0)) }
        let params = try ids.map { try store.params(run: $0) }
        let names = Set(params.flatMap(\.keys)).sorted()
        var shared: [(String, String)] = [], rows: [[Cell]] = []
        for name in names {
            let values = params.map { $0[name]?.description ?? "" }
            if Set(values).count == 1 { shared.append((name, values[0])) } else { rows.append([.text(name)] + values.map(Cell.text)) }
        }
        self.shared = shared
        let metrics = try store.table(runs: ids, columns: Self.metricTerms)
        for (c, header) in metrics.columns.enumerated() {
            rows.append([.text(header)] + metrics.rows.map { $0[c] })
        }
        for condition in reach {
            let (metric, test) = try Self.condition(condition)
            rows.append([.text("reached \(condition) at epoch")] + (try ids.map { id in
                let points = try store.curves(run: id, metrics: [metric])[0].points
                return points.first { test($0.value) }.map { Cell.integer(Int64($0.epoch)) } ?? .text("never")
            }))
        }
        table = ResultTable(columns: ["run"] + runs.map { run in "\(run.id)" + (run.name.map { " \($0)" } ?? "") }, rows: rows)
    }

    public var text: String {
        var out: [String] = []
        if runs.count > 1 {
            out.append("same in all:")
            out.append(RunReport.wrapped(shared.map { "\($0.0)=\($0.1)" }))
            out.append("")
        }
        out.append(TableWriter.aligned(header: table.columns, rows: table.rows.map { $0.map(TableWriter.display) }))
        return out.joined(separator: "\n")
    }

    /// `metric<value` (or <=, >, >=) as the metric and a test on its values.
    static func condition(_ text: String) throws(StoreError) -> (String, (Double) -> Bool) {
        let expression: FilterExpression
        do { expression = try FilterParser.filter(text) } catch {
            var e = error
            e.option = "--reach"
            throw StoreError.invalidQuery(e)
        }
        guard case let .compare(.term(term), op, bound) = expression, term.function == nil, op != .equal, op != .notEqual else {
            throw StoreError.invalidQuery(FilterError(column: 1, message: "expected METRIC<VALUE (or <=, >, >=), e.g. test_loss<0.2",
                                                      text: text, option: "--reach"))
        }
        let value: Double
        switch bound {
        case .integer(let v): value = Double(v)
        case .number(let v): value = v
        default:
            throw StoreError.invalidQuery(FilterError(column: 1, message: "expected a number after the comparison", text: text, option: "--reach"))
        }
        switch op {
        case .less: return (term.name, { $0 < value })
        case .lessOrEqual: return (term.name, { $0 <= value })
        case .greater: return (term.name, { $0 > value })
        default: return (term.name, { $0 >= value })
        }
    }
}

extension RunComparison {
    /// The rows of the metrics part.
    static let metricTerms: [Term] = [
        Term(name: "status"), Term(name: "epochs_done"), Term(name: "train_loss"), Term(name: "train_loss", function: "best"),
        Term(name: "test_loss"), Term(name: "test_loss", function: "best"), Term(name: "test_loss", function: "best_epoch"),
        Term(name: "train_accuracy"), Term(name: "test_accuracy"), Term(name: "test_accuracy", function: "best"),
        Term(name: "alerts"), Term(name: "duration"),
    ]
}
