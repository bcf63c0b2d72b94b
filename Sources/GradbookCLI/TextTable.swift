import Foundation

/// Rows of text printed as aligned columns for people or as CSV (RFC 4180) for programs.
struct TextTable {
    enum Style { case aligned, csv }

    let header: [String]
    let rows: [[String]]

    func render(as style: Style) -> String {
        switch style {
        case .csv:
            return ([header] + rows).map { $0.map(Self.csvField).joined(separator: ",") }.joined(separator: "\n")
        case .aligned:
            let all = [header] + rows
            let widths = header.indices.map { c in all.map { $0[c].count }.max() ?? 0 }
            return all.map { row in
                row.enumerated().map { c, cell in
                    c == row.count - 1 ? cell : cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                }.joined(separator: "  ")
            }.joined(separator: "\n")
        }
    }

    /// Quotes a field when it holds a comma, a quote or a line break.
    static func csvField(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
