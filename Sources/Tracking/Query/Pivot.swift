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

        /// The cell's values as a mean with its uncertainty over the runs (seeds).
        public var estimate: MeanEstimate { MeanEstimate(values) }

        /// ``MeanEstimate/summary``: `mean ±std (n) [95% interval]`, the mean alone for one value, `-` for none.
        public var summary: String { estimate.summary }

        public var mean: Double { estimate.mean }
        /// Sample standard deviation (n − 1); 0 for one value.
        public var std: Double { estimate.std }
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
    /// For a value at the selected epoch (`selected(M)`), what selected each run's epoch: the
    /// metric's name and how many runs (M itself, or its validation counterpart).
    public let selectedOn: [String: Int]
    /// Which way the value improves: its metric's.
    public var goal: Goal { Metric.named(valueTerm.name).goal }

    /// Groups `runs` by `rows` and `cols` (one column, named after the value, when nil); runs
    /// without a value are left out of the cells but keep their row and column.
    public init(store: RunStore, runs: [Int64], rows: Term, cols: Term?, value: Term) throws(StoreError) {
        let id = Term(name: "id")
        let selects = value.function == "selected"
        let on = selects ? [Term(name: value.name, function: "selected_on")] : []
        let table = try store.table(runs: runs, columns: [id, rows, cols ?? id, value] + on,
                                    options: ["--rows", "--rows", "--cols", "--metric"] + on.map { _ in "--metric" })
        var cells: [Tracking.Cell: [Tracking.Cell: Cell]] = [:]
        var selectedOn: [String: Int] = [:]
        let single = Tracking.Cell.text(value.text)
        for row in table.rows {
            guard case .integer(let run) = row[0], let v = row[3].number else { continue }
            let col = cols == nil ? single : row[2]
            cells[row[1], default: [:]][col, default: Cell()].runs.append(run)
            cells[row[1], default: [:]][col, default: Cell()].values.append(v)
            if selects { selectedOn[row[4].text, default: 0] += 1 }
        }
        self.selectedOn = selectedOn
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
