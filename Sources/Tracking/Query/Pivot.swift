import Foundation

/// Runs grouped by the values of two terms (rows × columns), with one number per run: the
/// table a sweep is run for (activation × learning rate of the best test loss).
public struct Pivot: Sendable {
    /// The runs of one cell and their values.
    public struct Cell: Sendable, Codable {
        public var runs: [Int64] = []
        public var values: [Double] = []
        /// What a winner is chosen by, one per run: for a value at the selected epoch, the
        /// validation value that selected it (the best `val_loss` for `test_loss`) when the run has
        /// one; the value itself otherwise. Winners are never chosen on test data a run has
        /// validation data for.
        public var selecting: [Double] = []

        public init(runs: [Int64] = [], values: [Double] = [], selecting: [Double]? = nil) {
            self.runs = runs
            self.values = values
            self.selecting = selecting ?? values
        }

        /// The cell's values as a mean with its uncertainty over the runs (seeds).
        public var estimate: MeanEstimate { MeanEstimate(values) }

        /// ``MeanEstimate/summary``: `mean ±std (n) [95% interval]`, the mean alone for one value, `-` for none.
        public var summary: String { estimate.summary }

        public var mean: Double { estimate.mean }
        /// Sample standard deviation (n − 1); 0 for one value.
        public var std: Double { estimate.std }
        /// The run with the best selecting value (``selecting``).
        public func best(_ goal: Goal) -> Int64? {
            zip(runs, selecting).reduce(nil as (Int64, Double)?) { best, next in
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
    /// Whether every row value meets every column value in some run (``formsGrid(rows:cols:)``):
    /// only then is the pivot a table worth drawing as a heat map.
    public let isGrid: Bool
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
        // With validation data, the epoch is chosen on the counterpart: its best is what a winner is chosen by.
        let counterpart = Metric.named(value.name).validationCounterpart
        let on = selects ? [Term(name: value.name, function: "selected_on")] : []
        let table = try store.table(runs: runs, columns: [id, rows, cols ?? id, value] + on,
                                    options: ["--rows", "--rows", "--cols", "--metric"] + on.map { _ in "--metric" })
        // A store with no validation data at all does not know the counterpart: then nothing is chosen on it.
        var validation: [Int64: Double] = [:]
        if selects, let counterpart {
            for row in try store.table(runs: runs, columns: [id, Term(name: counterpart.name, function: "best")], unknownAsNull: true).rows {
                if case .integer(let run) = row[0], let v = row[1].number { validation[run] = v }
            }
        }
        var cells: [Tracking.Cell: [Tracking.Cell: Cell]] = [:]
        var selectedOn: [String: Int] = [:]
        let single = Tracking.Cell.text(value.text)
        for row in table.rows {
            guard case .integer(let run) = row[0], let v = row[3].number else { continue }
            let col = cols == nil ? single : row[2]
            cells[row[1], default: [:]][col, default: Cell()].runs.append(run)
            cells[row[1], default: [:]][col, default: Cell()].values.append(v)
            let byValidation = selects && row[4].text != value.name ? validation[run] : nil
            cells[row[1], default: [:]][col, default: Cell()].selecting.append(byValidation ?? v)
            if selects { selectedOn[row[4].text, default: 0] += 1 }
        }
        self.selectedOn = selectedOn
        rowTerm = rows
        colTerm = cols
        valueTerm = value
        rowKeys = Self.sortedKeys(Set(table.rows.map { $0[1] }))
        colKeys = cols == nil ? [single] : Self.sortedKeys(Set(table.rows.map { $0[2] }))
        self.cells = cells
        isGrid = cols == nil || Self.formsGrid(rows: table.rows.map { $0[1] }, cols: table.rows.map { $0[2] })
    }

    /// Whether the pairs `(rows[i], cols[i])` cover every row value × column value: a grid
    /// search's axes do, whatever repeats them; a random search's continuous draws meet each other
    /// value once or never and would leave most cells of a pivot empty.
    public static func formsGrid<Row: Hashable, Column: Hashable>(rows: [Row], cols: [Column]) -> Bool {
        let pairs = Set(zip(rows, cols).map { [AnyHashable($0), AnyHashable($1)] })
        return pairs.count == Set(rows).count * Set(cols).count
    }

    /// The cell at a row and column value, if it has runs with values.
    public subscript(row: Tracking.Cell, col: Tracking.Cell) -> Cell? {
        guard let c = cells[row]?[col], !c.values.isEmpty else { return nil }
        return c
    }

    /// The winning cell's mean: the cell whose runs' selecting values (``Cell/selecting``: on
    /// validation data where the runs have it) have the best mean.
    public var bestMean: Double? {
        let all = cells.values.flatMap(\.values).filter { !$0.values.isEmpty }
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
        return all.reduce(nil as Cell?) { best, c in
            best.map { goal.improves(mean(c.selecting), on: mean($0.selecting)) ? c : $0 } ?? c
        }?.mean
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
