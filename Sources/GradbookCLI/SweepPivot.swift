import Foundation
import Tracking

/// The pivot a sweep is run for: one row per value of one name (activation), one column per
/// value of another (lr), and in each cell the runs' metric as mean ± std (count).
struct SweepPivot {
    struct Group {
        var values: [Double] = []
        var mean: Double { values.reduce(0, +) / Double(values.count) }
        /// Sample standard deviation (n − 1); 0 for one value.
        var std: Double {
            guard values.count > 1 else { return 0 }
            let m = mean
            return (values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count - 1)).squareRoot()
        }
    }

    let rowName: String
    let colName: String
    let valueName: String
    let rowKeys: [Cell]
    let colKeys: [Cell]
    let cells: [Cell: [Cell: Group]]
    let higherIsBetter: Bool

    init(store: RunStore, runs: [Int64], rows: String, cols: String?, metric: String, agg: String) throws {
        let rowTerm = try Runs.terms(rows)[0], colTerm = try cols.map { try Runs.terms($0)[0] }
        let value = Term(name: metric, function: agg)
        let table = try store.table(runs: runs, columns: [rowTerm, colTerm ?? Term(name: "status"), value])
        var cells: [Cell: [Cell: Group]] = [:]
        for row in table.rows {
            let colKey = colTerm == nil ? Cell.text(value.text) : row[1]
            guard let v = row[2].number else { continue }
            cells[row[0], default: [:]][colKey, default: Group()].values.append(v)
        }
        rowName = rowTerm.text
        colName = colTerm?.text ?? ""
        valueName = value.text
        rowKeys = Self.sorted(Set(table.rows.map { $0[0] }))
        colKeys = colTerm == nil ? [.text(value.text)] : Self.sorted(Set(table.rows.map { $0[1] }))
        self.cells = cells
        higherIsBetter = metric.contains("accuracy")
    }

    /// Numbers in numeric order, then text.
    static func sorted(_ keys: Set<Cell>) -> [Cell] {
        keys.sorted { a, b in
            switch (a.number, b.number) {
            case let (x?, y?): x < y
            case (.some, nil): true
            case (nil, .some): false
            default: a.text < b.text
            }
        }
    }

    /// The pivot for a terminal; the best cell marked with `*`.
    var text: String {
        let means = cells.values.flatMap { $0.values.map(\.mean) }
        let best = higherIsBetter ? means.max() : means.min()
        let header = ["\(rowName) \\ \(colName)"] + colKeys.map(\.text)
        let body = rowKeys.map { r in
            [r.text] + colKeys.map { c -> String in
                guard let g = cells[r]?[c], !g.values.isEmpty else { return "-" }
                let mark = g.mean == best ? "*" : ""
                return g.values.count == 1 ? String(format: "%.4g%@", g.mean, mark)
                    : String(format: "%.4g ±%.2g (%d)%@", g.mean, g.std, g.values.count, mark)
            }
        }
        return "\(valueName) per run, mean ± std (runs) per cell; * best\n" + TableWriter.aligned(header: header, rows: body)
    }

    /// One row per cell, for csv and json: the row and column values, mean, std, count, min, max.
    var longTable: ResultTable {
        var rows: [[Cell]] = []
        for r in rowKeys {
            for c in colKeys {
                guard let g = cells[r]?[c], !g.values.isEmpty else { continue }
                rows.append([r, c, .real(g.mean), .real(g.std), .integer(Int64(g.values.count)), .real(g.values.min()!), .real(g.values.max()!)])
            }
        }
        return ResultTable(columns: [rowName, colName.isEmpty ? "column" : colName, "mean", "std", "count", "min", "max"], rows: rows)
    }
}
