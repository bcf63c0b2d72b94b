import Foundation
public import Tracking

/// A pivot as a grid of coloured cells (viridis; the better end bright), each showing mean ±
/// std (count) and linking to its best run; `data-runs` lists every run of the cell.
public struct HeatMap: Sendable {
    public let pivot: Pivot
    public let title: String

    public init(pivot: Pivot, title: String) {
        self.pivot = pivot
        self.title = title
    }

    static let cellHeight = 34.0, top = 52.0

    /// Wide enough for the longest cell text and column label (about 7 px a character at 12 px).
    var cellWidth: Double {
        let texts = pivot.cells.values.flatMap { $0.values.map { $0.summary.count } } + pivot.colKeys.map(\.text.count)
        return max(70, Double(texts.max() ?? 8) * 7 + 18)
    }

    /// How far a mean is toward the best end, 0…1.
    public func goodness(_ mean: Double) -> Double {
        let means = pivot.cells.values.flatMap { $0.values.map(\.mean) }
        guard let low = means.min(), let high = means.max(), high > low else { return 1 }
        let t = (mean - low) / (high - low)
        return pivot.goal == .maximize ? t : 1 - t
    }

    public func svg(id: String) -> String {
        let corner = "\(pivot.rowTerm.text) \\ \(pivot.colTerm?.text ?? "")".count
        let labelWidth = max(70, Double(max(pivot.rowKeys.map(\.text.count).max() ?? 4, corner)) * 7.2 + 16)
        let width = labelWidth + Double(pivot.colKeys.count) * cellWidth + 10
        let height = Self.top + Double(pivot.rowKeys.count) * Self.cellHeight + 46
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" class="heatmap" id="\(escaped(id))" viewBox="0 0 \(coordinate(width)) \(coordinate(height))" \
            width="\(coordinate(width))" height="\(coordinate(height))" role="img" aria-label="\(escaped(title))" \
            font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12">
            <text x="0" y="16" font-size="13" font-weight="600" fill="currentColor">\(escaped(title))</text>
            <text x="\(coordinate(labelWidth - 8))" y="\(coordinate(Self.top - 10))" text-anchor="end" fill="currentColor" fill-opacity="0.6">\(escaped(pivot.rowTerm.text)) \\ \(escaped(pivot.colTerm?.text ?? ""))</text>

            """
        for (j, c) in pivot.colKeys.enumerated() {
            out += "<text x=\"\(coordinate(labelWidth + (Double(j) + 0.5) * cellWidth))\" y=\"\(coordinate(Self.top - 10))\" text-anchor=\"middle\" fill=\"currentColor\" font-weight=\"600\">\(escaped(c.text))</text>\n"
        }
        let best = pivot.bestMean
        for (i, r) in pivot.rowKeys.enumerated() {
            let y = Self.top + Double(i) * Self.cellHeight
            out += "<text x=\"\(coordinate(labelWidth - 8))\" y=\"\(coordinate(y + Self.cellHeight / 2))\" dy=\"0.32em\" text-anchor=\"end\" fill=\"currentColor\" font-weight=\"600\">\(escaped(r.text))</text>\n"
            for (j, c) in pivot.colKeys.enumerated() {
                let x = labelWidth + Double(j) * cellWidth
                guard let cell = pivot[r, c] else {
                    out += "<rect x=\"\(coordinate(x + 1))\" y=\"\(coordinate(y + 1))\" width=\"\(coordinate(cellWidth - 2))\" height=\"\(coordinate(Self.cellHeight - 2))\" fill=\"none\" stroke=\"currentColor\" stroke-opacity=\"0.2\"/>\n"
                    continue
                }
                let t = goodness(cell.mean)
                let text = cell.summary
                let runs = cell.runs.map(String.init).joined(separator: ",")
                out += "<a class=\"cell\" href=\"#run-\(cell.best(pivot.goal) ?? cell.runs[0])\" data-row=\"\(escaped(r.text))\" "
                    + "data-col=\"\(escaped(c.text))\" data-runs=\"\(runs)\" data-mean=\"\(cell.mean)\">"
                    + "<title>\(escaped("\(pivot.rowTerm.text)=\(r.text), \(pivot.colTerm?.text ?? "")=\(c.text): \(pivot.valueTerm.text) mean \(cell.mean), std \(cell.std), runs \(runs)"))</title>"
                    + "<rect x=\"\(coordinate(x + 1))\" y=\"\(coordinate(y + 1))\" width=\"\(coordinate(cellWidth - 2))\" height=\"\(coordinate(Self.cellHeight - 2))\" rx=\"3\" fill=\"\(Palette.viridis(t))\""
                    + (cell.mean == best ? " stroke=\"currentColor\" stroke-width=\"2.5\"" : "") + "/>"
                    + "<text x=\"\(coordinate(x + cellWidth / 2))\" y=\"\(coordinate(y + Self.cellHeight / 2))\" dy=\"0.32em\" text-anchor=\"middle\" fill=\"\(Palette.textColor(onViridis: t))\">\(escaped(text))</text></a>\n"
            }
        }
        // Colour key.
        let ky = Self.top + Double(pivot.rowKeys.count) * Self.cellHeight + 18
        out += "<defs><linearGradient id=\"\(escaped(id))-key\">" + (0...7).map { k in
            "<stop offset=\"\(Double(k) / 7)\" stop-color=\"\(Palette.viridis(Double(k) / 7))\"/>"
        }.joined() + "</linearGradient></defs>"
        out += "<rect x=\"\(coordinate(labelWidth))\" y=\"\(coordinate(ky))\" width=\"160\" height=\"10\" fill=\"url(#\(escaped(id))-key)\"/>"
        out += "<text x=\"\(coordinate(labelWidth + 168))\" y=\"\(coordinate(ky + 5))\" dy=\"0.32em\" fill=\"currentColor\" fill-opacity=\"0.75\">better → (outlined: best cell)</text>\n"
        return out + "</svg>"
    }
}
