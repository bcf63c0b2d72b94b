import Foundation

/// Runs grouped by the values of two terms (rows × columns), with one number per run: the
/// table a sweep is run for (activation × learning rate of the best test loss).
public struct Pivot: Sendable {
    /// The runs of one cell and their values.
    public struct Cell: Sendable, Codable {
        public var runs: [Int64] = []
        public var values: [Double] = []

        public init(runs: [Int64] = [], values: [Double] = []) {
            self.runs = runs
            self.values = values
        }

        /// `mean` alone for one value, `mean ±std (n)` for several, `-` for none.
        public var summary: String {
            guard !values.isEmpty else { return "-" }
            return values.count == 1 ? String(format: "%.4g", mean) : String(format: "%.4g ±%.2g (%d)", mean, std, values.count)
        }

        public var mean: Double { values.reduce(0, +) / Double(values.count) }
        /// Sample standard deviation (n − 1); 0 for one value.
        public var std: Double {
            guard values.count > 1 else { return 0 }
            let m = mean
            return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        }
        /// The run with the best value.
        public func best(_ goal: Goal) -> Int64? {
            zip(runs, values).reduce(nil as (Int64, Double)?) { best, next in
                best.map { goal.improves(next.1, on: $0.1) ? next : $0 } ?? next
            }?.0
        }
    }

    public let rowTerm: Term
    public let colTerm: Term?
    public let valueTerm: Term
    /// Row and column values, numbers in numeric order and then text.
    public let rowKeys: [Tracking.Cell]
    public let colKeys: [Tracking.Cell]
    public let cells: [Tracking.Cell: [Tracking.Cell: Cell]]
    /// Which way the value improves: its metric's.
    public var goal: Goal { Metric.named(valueTerm.name).goal }

    /// Groups `runs` by `rows` and `cols` (one column, named after the value, when nil); runs
    /// without a value are left out of the cells but keep their row and column.
    public init(store: RunStore, runs: [Int64], rows: Term, cols: Term?, value: Term) throws(StoreError) {
        let id = Term(name: "id")
        let table = try store.table(runs: runs, columns: [id, rows, cols ?? id, value], options: ["--rows", "--rows", "--cols", "--metric"])
        var cells: [Tracking.Cell: [Tracking.Cell: Cell]] = [:]
        let single = Tracking.Cell.text(value.text)
        for row in table.rows {
            guard case .integer(let run) = row[0], let v = row[3].number else { continue }
            let col = cols == nil ? single : row[2]
            cells[row[1], default: [:]][col, default: Cell()].runs.append(run)
            cells[row[1], default: [:]][col, default: Cell()].values.append(v)
        }
        rowTerm = rows
        colTerm = cols
        valueTerm = value
        rowKeys = Self.sortedKeys(Set(table.rows.map { $0[1] }))
        colKeys = cols == nil ? [single] : Self.sortedKeys(Set(table.rows.map { $0[2] }))
        self.cells = cells
    }

    /// The cell at a row and column value, if it has runs with values.
    public subscript(row: Tracking.Cell, col: Tracking.Cell) -> Cell? {
        guard let c = cells[row]?[col], !c.values.isEmpty else { return nil }
        return c
    }

    /// The best cell mean.
    public var bestMean: Double? {
        let means = cells.values.flatMap { $0.values.map(\.mean) }
        return means.reduce(nil as Double?) { best, m in best.map { goal.better($0, m) } ?? m }
    }

    /// Values in numeric order, then text.
    public static func sortedKeys(_ keys: Set<Tracking.Cell>) -> [Tracking.Cell] {
        keys.sorted { a, b in
            switch (a.number, b.number) {
            case let (x?, y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            default: a.text < b.text
            }
        }
    }
}
