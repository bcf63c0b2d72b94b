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

    /// How many runs' curves are read in one transaction.
    public static let batch = 16

    /// Streams the long layout: curves in run order, each run's metrics in the order asked,
    /// epochs ascending.
    /// - Returns: the number of rows written.
    @discardableResult
    public func writeLong(to writer: TableWriter) throws -> Int {
        // Runs are read a batch at a time, one transaction each, the next batch on another thread
        // while this one writes the last: memory bounded by two batches.
        let batches = stride(from: 0, to: runs.count, by: Self.batch).map { Array(runs[$0..<min($0 + Self.batch, runs.count)]) }
        let (store, metrics) = (store, metrics)
        func read(_ index: Int) -> Prefetch<[[Curve]]>? {
            index < batches.count ? Prefetch { () throws(StoreError) in try store.curves(runs: batches[index], metrics: metrics) } : nil
        }
        // Each run's name and --with values, by id (a run deleted meanwhile is left out). Read
        // before the first batch, so that batch's read takes the connection this one leaves.
        let context = try store.table(runs: runs, columns: [Term(name: "id"), Term(name: "name")] + with)
        var next = read(0)
        defer { _ = try? next?.value() }   // no read outlives the export (the store closes after it)
        let info = Dictionary(context.rows.map { ($0[0], Array($0.dropFirst())) }, uniquingKeysWith: { a, _ in a })
        try writer.begin(["run_id", "run_name"] + with.map(\.text) + ["epoch", "metric", "value"])
        let count = try writer.rows { rows in
            var count = 0
            // Each metric's name and each run's cells are encoded once, not on each of their rows.
            let names = metrics.map { rows.encoded([.text($0)], at: with.count + 3) }
            for (index, batch) in batches.enumerated() {
                let curves = try next!.value()
                next = read(index + 1)
                for (run, curves) in zip(batch, curves) {
                    guard let info = info[.integer(run)] else { continue }
                    let prefix = rows.encoded([.integer(run)] + info, at: 0)
                    for (curve, name) in zip(curves, names) {
                        for p in sampling.apply(curve.points) {
                            rows.write(prefix)
                            rows.write(.integer(Int64(p.epoch)))
                            rows.write(name)
                            rows.write(.real(p.value))
                            try rows.endRow()
                            count += 1
                        }
                    }
                }
            }
            return count
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
