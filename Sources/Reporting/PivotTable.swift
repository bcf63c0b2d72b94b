import Foundation
public import Tracking

/// A pivot for a terminal (the best cell marked `*`), or as rows for csv and json.
public struct PivotTable {
    public let pivot: Pivot

    public init(_ pivot: Pivot) {
        self.pivot = pivot
    }

    public var text: String {
        let best = pivot.bestMean
        let header = ["\(pivot.rowTerm.text) \\ \(pivot.colTerm?.text ?? "")"] + pivot.colKeys.map(\.text)
        let body = pivot.rowKeys.map { r in
            [r.text] + pivot.colKeys.map { c -> String in
                guard let g = pivot[r, c] else { return "-" }
                return g.summary + (g.mean == best ? "*" : "")
            }
        }
        return "\(pivot.valueTerm.text) per run, mean ± std (runs) per cell; * best\n" + TableWriter.aligned(header: header, rows: body)
    }

    /// One row per cell: the row and column values, mean, std, count, min, max.
    public var longTable: ResultTable {
        var rows: [[Cell]] = []
        for r in pivot.rowKeys {
            for c in pivot.colKeys {
                guard let g = pivot[r, c] else { continue }
                rows.append([r, c, .real(g.mean), .real(g.std), .integer(Int64(g.values.count)), .real(g.values.min()!), .real(g.values.max()!)])
            }
        }
        return ResultTable(columns: [pivot.rowTerm.text, pivot.colTerm?.text ?? "column", "mean", "std", "count", "min", "max"], rows: rows)
    }
}
