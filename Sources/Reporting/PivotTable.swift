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
        return "\(caption); each cell: \(MeanEstimate.legend); * best\(winnerNote)\n" + TableWriter.aligned(header: header, rows: body)
    }

    /// What a cell's values are: the term per run, or, at the selected epoch, what selected it.
    public var caption: String {
        guard pivot.valueTerm.function == "selected" else { return "\(pivot.valueTerm.text) per run" }
        return SelectionLabel.text(metric: Metric.named(pivot.valueTerm.name),
                                   on: pivot.selectedOn.flatMap { Array(repeating: $0.key, count: $0.value) })
    }

    /// What chose the winner, when not the values shown: ` (by mean val_loss)`.
    private var winnerNote: String {
        let byValidation = pivot.selectedOn.keys.filter { $0 != pivot.valueTerm.name }
        return byValidation.isEmpty ? "" : " (chosen by mean \(byValidation.sorted().joined(separator: "/")))"
    }

    /// One row per cell: the row and column values, mean, std, count, the 95 % interval of the
    /// mean (empty for a single run), min, max.
    public var longTable: ResultTable {
        var rows: [[Cell]] = []
        for r in pivot.rowKeys {
            for c in pivot.colKeys {
                guard let g = pivot[r, c] else { continue }
                let e = g.estimate
                rows.append([r, c, .real(e.mean), .real(e.std), .integer(Int64(e.count)), e.interval.map { .real($0.lowerBound) } ?? .null,
                             e.interval.map { .real($0.upperBound) } ?? .null, .real(g.values.min()!), .real(g.values.max()!)])
            }
        }
        return ResultTable(columns: [pivot.rowTerm.text, pivot.colTerm?.text ?? "column", "mean", "std", "count", "ci95_low", "ci95_high", "min", "max"], rows: rows)
    }
}
