import Foundation
public import Tracking

/// The table printed when a sweep ends: the sweep metric at each run's selected epoch
/// (``Selection``) as a pivot of its first two axes (activation × learning rate when they are
/// axes), mean ± std over seeds and any other axis, what the epochs were selected on, and the
/// command that exports the runs.
public struct SweepSummary {
    public let store: RunStore
    public let sweep: StoredSweep

    public init(store: RunStore, sweep: StoredSweep) {
        self.store = store
        self.sweep = sweep
    }

    public var text: String {
        get throws {
            let settings = sweep.configs.map { c in
                (try? JSONDecoder().decode([String: String].self, from: Data(c.settingsJSON.utf8))) ?? [:]
            }
            let keys = Set(settings.flatMap(\.keys)).filter { k in Set(settings.map { $0[k] }).count > 1 && k != "seed" }
            let ordered = keys.sorted { a, b in (rank(a), a) < (rank(b), b) }
            let rowKey = ordered.first, colKey = ordered.dropFirst().first
            let results = try store.sweepResults(sweep: sweep.id, metric: sweep.metric)
            // The latest finished or diverged run of each configuration counts.
            var byIndex: [Int: Double?] = [:]
            var counted: [Int: SweepRunResult] = [:]
            for r in results where r.status == .finished || r.status == .diverged { counted[r.sweepIndex] = r }
            for (index, r) in counted { byIndex[index] = r.value }
            var cells: [String: [String: [Double]]] = [:]
            var rows: [String] = [], cols: [String] = []
            for (i, s) in settings.enumerated() {
                let row = rowKey.map { s[$0] ?? "" } ?? "all", col = colKey.map { s[$0] ?? "" } ?? sweep.metric
                if !rows.contains(row) { rows.append(row) }
                if !cols.contains(col) { cols.append(col) }
                if let value = byIndex[i], let v = value { cells[row, default: [:]][col, default: []].append(v) }
            }
            let counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
            var lines = ["sweep \(sweep.name): \(sweep.configs.count) configurations; runs \(counts[.finished] ?? 0) finished, "
                + "\(counts[.diverged] ?? 0) diverged, \(counts[.failed] ?? 0) failed, \(counts[.interrupted] ?? 0) interrupted. "
                + SelectionLabel.text(metric: Metric.named(sweep.metric), on: counted.values.compactMap(\.selectedOn)) + "; each cell over its repeats: " + MeanEstimate.legend + ":"]
            let header = ["\(rowKey ?? "") \\ \(colKey ?? "")"] + cols
            let body = rows.map { row in
                [row] + cols.map { col in Pivot.Cell(values: cells[row]?[col] ?? []).summary }
            }
            lines.append(TableWriter.aligned(header: header, rows: body))
            lines.append("export: " + Self.exportCommand(path: store.path, sweep: sweep.name))
            return lines.joined(separator: "\n")
        }
    }

    /// Activation first, then learning rate, then the rest by name.
    private func rank(_ key: String) -> Int { key == "activation" ? 0 : key == "lr" ? 1 : 2 }

    /// The command that prints the sweep's runs as CSV, one row each with every hyperparameter
    /// and the selected epoch's test numbers (``RunStore/runsReport(runs:)``); arguments quoted
    /// for the shell when they need it.
    public static func exportCommand(path: String, sweep: String) -> String {
        let word = { (s: String) in s.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } ? s : Shell.quoted(s) }
        return "gradbook export runs --sweep \(word(sweep))" + (path == RunStore.defaultPath ? "" : " --db \(word(path))")
    }
}
