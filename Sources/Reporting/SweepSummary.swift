import Foundation
public import Tracking

/// The table printed when a sweep ends: the sweep metric at each run's selected epoch
/// (``Selection``) as a pivot of its first two axes (activation × learning rate when they are
/// axes), mean ± std over seeds and any other axis, what the epochs were selected on, and the
/// command that exports the runs. Where the axes do not form a grid (a random search's draws)
/// or more than two vary, the best runs with their settings instead of, or below, the pivot.
public struct SweepSummary {
    public let store: RunStore
    public let sweep: StoredSweep

    public init(store: RunStore, sweep: StoredSweep) {
        self.store = store
        self.sweep = sweep
    }

    /// What both forms show: the two axes, the cells' values, the counted runs and the counts.
    private struct Grid {
        var rowKey: String?, colKey: String?
        var rows: [String] = [], cols: [String] = []
        var cells: [String: [String: [Double]]] = [:]
        var counted: [Int: SweepRunResult] = [:]
        var counts: [RunStatus: Int] = [:]
        var settings: [[String: String]] = []
        /// Every setting that varies but the seed, activation first, then learning rate.
        var axes: [String] = []
        /// Whether the two axes meet in every combination (``Pivot/formsGrid(rows:cols:)``).
        var isGrid = true
    }

    /// How many of the best runs the text lists when the pivot does not tell the whole story.
    static let topRuns = 10

    private func grid() throws -> Grid {
        var g = Grid()
        g.settings = sweep.configs.map { c in
            (try? JSONDecoder().decode([String: String].self, from: Data(c.settingsJSON.utf8))) ?? [:]
        }
        let keys = Set(g.settings.flatMap(\.keys)).filter { k in Set(g.settings.map { $0[k] }).count > 1 && k != "seed" }
        let ordered = SweepAxis.ordered(keys)
        g.axes = ordered
        g.rowKey = ordered.first
        g.colKey = ordered.dropFirst().first
        if let row = g.rowKey, let col = g.colKey {
            g.isGrid = Pivot.formsGrid(rows: g.settings.map { $0[row] ?? "" }, cols: g.settings.map { $0[col] ?? "" })
        }
        let results = try store.sweepResults(sweep: sweep.id, metric: sweep.metric)
        // The latest finished or diverged run of each configuration counts.
        for r in results where r.status == .finished || r.status == .diverged { g.counted[r.sweepIndex] = r }
        for (i, s) in g.settings.enumerated() {
            let row = g.rowKey.map { s[$0] ?? "" } ?? "all", col = g.colKey.map { s[$0] ?? "" } ?? sweep.metric
            if !g.rows.contains(row) { g.rows.append(row) }
            if !g.cols.contains(col) { g.cols.append(col) }
            if let v = g.counted[i]?.value { g.cells[row, default: [:]][col, default: []].append(v) }
        }
        g.counts = Dictionary(grouping: results, by: \.status).mapValues(\.count)
        return g
    }

    public var text: String {
        get throws {
            let g = try grid()
            var lines = ["sweep \(sweep.name): \(sweep.configs.count) configurations; runs \(g.counts[.finished] ?? 0) finished, "
                + "\(g.counts[.diverged] ?? 0) diverged, \(g.counts[.failed] ?? 0) failed, \(g.counts[.interrupted] ?? 0) interrupted. "
                + SelectionLabel.text(metric: Metric.named(sweep.metric), on: g.counted.values.compactMap(\.selectedOn))
                + (g.isGrid ? "; each cell over its repeats: " + MeanEstimate.legend + ":" : ".")]
            if g.isGrid {
                let header = ["\(g.rowKey ?? "") \\ \(g.colKey ?? "")"] + g.cols
                let body = g.rows.map { row in
                    [row] + g.cols.map { col in Pivot.Cell(values: g.cells[row]?[col] ?? []).summary }
                }
                lines.append(TableWriter.aligned(header: header, rows: body))
            }
            if !g.isGrid || g.axes.count > 2 { lines += top(g) }
            lines.append("export: " + Self.exportCommand(path: store.path, sweep: sweep.name))
            return lines.joined(separator: "\n")
        }
    }

    /// The best runs by the sweep's metric with every setting that varies: what a random search
    /// (or a pivot that averages over a third axis) is read by.
    private func top(_ g: Grid) -> [String] {
        let ranked = g.counted.values.filter { $0.value != nil }.sorted { a, b in
            sweep.goal.improves(a.value!, on: b.value!) || (a.value == b.value && a.runID < b.runID)
        }
        let why = g.isGrid ? "more than two settings vary" : "\(g.rowKey ?? "") × \(g.colKey ?? "") is not a grid: "
            + "\(Set(g.settings.map { [$0[g.rowKey ?? ""], $0[g.colKey ?? ""]] }).count) of \(g.rows.count * g.cols.count) combinations were run"
        var lines = ["\(why); the best \(min(Self.topRuns, ranked.count)) of \(ranked.count) runs by \(sweep.metric) "
            + "(\(sweep.goal == .minimize ? "lower" : "higher") is better):"]
        let keys = g.axes + (Set(g.settings.map { $0[CurveGroup.seedParameter] }).count > 1 ? [CurveGroup.seedParameter] : [])
        let body = ranked.prefix(Self.topRuns).enumerated().map { i, r in
            ["\(i + 1)", "\(r.runID)", Pivot.Cell(values: [r.value!]).summary] + keys.map { g.settings[r.sweepIndex][$0] ?? "" }
        }
        lines.append(TableWriter.aligned(header: ["rank", "run", sweep.metric] + keys, rows: body))
        if ranked.count > Self.topRuns { lines.append("… and \(ranked.count - Self.topRuns) more") }
        return lines
    }

    /// The same as one JSON document (`gradbook sweep --format json`): the counts, each cell's
    /// mean, standard deviation, count and 95 % interval over its repeats, and every
    /// configuration with its settings and its counted run's selected value.
    public var json: JSONValue {
        get throws {
            let g = try grid()
            var cells: [JSONValue] = []
            for row in g.rows {
                for col in g.cols {
                    guard let values = g.cells[row]?[col], !values.isEmpty else { continue }
                    let e = MeanEstimate(values)
                    cells.append(.object([(g.rowKey ?? "row", .string(row)), (g.colKey ?? "column", .string(col)), ("mean", .number(e.mean)),
                                          ("std", .number(e.std)), ("count", .integer(e.count)), ("ci95_low", .number(e.interval?.lowerBound)),
                                          ("ci95_high", .number(e.interval?.upperBound))]))
                }
            }
            let configurations: [JSONValue] = g.settings.enumerated().map { i, s in
                let run = g.counted[i]
                return .object([("index", .integer(i)), ("settings", .object(s.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                                ("run_id", run.map { .cell(.integer($0.runID)) } ?? .null), ("status", .string(run?.status.rawValue)),
                                ("value", .number(run?.value)), ("selected_on", .string(run?.selectedOn))])
            }
            return .object([
                ("sweep", .string(sweep.name)), ("metric", .string(sweep.metric)), ("configurations", .integer(sweep.configs.count)),
                ("runs", .object(RunStatus.allCases.map { ($0.rawValue, .integer(g.counts[$0] ?? 0)) })),
                ("rows", .string(g.rowKey)), ("columns", .string(g.colKey)), ("grid", .bool(g.isGrid)), ("cells", .array(g.isGrid ? cells : [])),
                ("configs", .array(configurations)),
            ])
        }
    }

    /// The command that prints the sweep's runs as CSV, one row each with every hyperparameter
    /// and the selected epoch's test numbers (``RunStore/runsReport(runs:)``); arguments quoted
    /// for the shell when they need it.
    public static func exportCommand(path: String, sweep: String) -> String {
        let word = { (s: String) in s.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) } ? s : Shell.quoted(s) }
        return "gradbook export runs --sweep \(word(sweep))" + (path == RunStore.defaultPath ? "" : " --db \(word(path))")
    }
}
