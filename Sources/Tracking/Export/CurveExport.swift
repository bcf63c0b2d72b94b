/// Curves of several runs as rows: long (`run_id, run_name, [with…], epoch, metric, value`, one
/// row per point) or wide (one row per epoch, one column `RUN:METRIC` per run and metric).
///
/// Long is what pandas, R (ggplot2) and spreadsheets pivot; wide is what a quick plot wants.
public struct CurveExport {
    let store: RunStore
    let runs: [Int64]
    let metrics: [String]
    let sampling: CurveSampling
    /// Extra columns per run (hyperparameters or any term), after `run_name`.
    let with: [Term]

    public init(store: RunStore, runs: [Int64], metrics: [String], sampling: CurveSampling = .all, with: [Term] = []) {
        self.store = store
        self.runs = runs
        self.metrics = metrics
        self.sampling = sampling
        self.with = with
    }

    /// Streams the long layout: curves in run order, each run's metrics in the order asked,
    /// epochs ascending.
    /// - Returns: the number of rows written.
    @discardableResult
    public func writeLong(to writer: TableWriter) throws -> Int {
        // Each run's name and --with values, by id (a run deleted meanwhile is left out).
        let context = try store.table(runs: runs, columns: [Term(name: "id"), Term(name: "name")] + with)
        let info = Dictionary(context.rows.map { ($0[0], Array($0.dropFirst())) }, uniquingKeysWith: { a, _ in a })
        try writer.begin(["run_id", "run_name"] + with.map(\.text) + ["epoch", "metric", "value"])
        var count = 0
        for run in runs {
            guard let info = info[.integer(run)] else { continue }
            for curve in try store.curves(run: run, metrics: metrics) {
                let prefix = [Cell.integer(run)] + info, name = Cell.text(curve.metric)
                for p in sampling.apply(curve.points) {
                    try writer.write(prefix + [.integer(Int64(p.epoch)), name, .real(p.value)])
                    count += 1
                }
            }
        }
        try writer.end()
        return count
    }

    /// The wide layout: one row per epoch kept by any curve, empty where a curve has no point.
    public func wide() throws -> ResultTable {
        var columns = ["epoch"], series: [[Int: Double]] = []
        for run in runs {
            for curve in try store.curves(run: run, metrics: metrics) {
                columns.append("\(run):\(curve.metric)")
                series.append(Dictionary(sampling.apply(curve.points).map { ($0.epoch, $0.value) }, uniquingKeysWith: { a, _ in a }))
            }
        }
        let epochs = Set(series.flatMap(\.keys)).sorted()
        return ResultTable(columns: columns, rows: epochs.map { e in
            [.integer(Int64(e))] + series.map { $0[e].map(Cell.real) ?? .null }
        })
    }
}
