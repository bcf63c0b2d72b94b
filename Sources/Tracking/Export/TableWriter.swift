import Foundation

/// Writes rows in an ``OutputFormat`` to a sink, streaming (except `table`, which must see
/// every row to align the columns).
///
/// Numbers are written in the shortest form that reads back to exactly the stored value
/// (`0.1`, `1e-05`), so a CSV round trip through pandas or R is lossless.
public final class TableWriter {
    private let format: OutputFormat
    private let sink: OutputSink
    private var columns: [String] = []
    private var encoder: RowEncoder

    public init(format: OutputFormat, sink: OutputSink) {
        self.format = format
        self.sink = sink
        encoder = RowEncoder(format: format, sink: sink, columns: [])
    }

    /// Starts the output with its column names.
    public func begin(_ columns: [String]) throws {
        self.columns = columns
        encoder = RowEncoder(format: format, sink: sink, columns: columns)
        switch format {
        case .csv: try sink.write(columns.map(Self.csvField).joined(separator: ",") + "\r\n")
        case .tsv: try sink.write(columns.map(Self.tsvField).joined(separator: "\t") + "\n")
        case .json: try sink.write("[")
        case .table, .jsonl: break
        }
    }

    /// Writes one row, its cells in column order.
    public func write(_ row: [Cell]) throws {
        try encoder.write(row)
    }

    /// Lets `body` write rows a cell at a time (``RowEncoder/write(_:)-swift.method``,
    /// ``RowEncoder/endRow()``): how a long export streams its rows.
    public func rows<T>(_ body: (inout RowEncoder) throws -> T) throws -> T {
        try body(&encoder)
    }

    /// Ends the output (closes the JSON array; prints the aligned table).
    public func end() throws {
        try encoder.flush()
        switch format {
        case .json: try sink.write(encoder.rows == 0 ? "]\n" : "\n]\n")
        case .table: try sink.write(Self.aligned(header: columns, rows: encoder.table) + "\n")
        case .csv, .tsv, .jsonl: break
        }
        try sink.finish()
    }

    /// Writes a whole table.
    public func write(_ table: ResultTable) throws {
        try begin(table.columns)
        for row in table.rows { try write(row) }
        try end()
    }

    // MARK: - Encoding

    /// A cell for people: reals to 5 significant digits, line breaks and tabs shown as `\n`, `\t`
    /// so that the columns stay aligned.
    public static func display(_ cell: Cell) -> String {
        switch cell {
        case .real(let v): display(v)
        case .text(let s): Terminal.safe(s.utf8.contains(9) ? s.replacingOccurrences(of: "\t", with: "\\t") : s, keepingNewlines: false)
        default: cell.text
        }
    }

    /// A number for people: five significant digits (`%.5g`), the one rule of tables, reports
    /// and the catalogue's plain numbers.
    public static func display(_ value: Double) -> String { Printf.format("%.5g", value) }

    /// Columns padded to their widest cell, two spaces apart; the last column unpadded. Control
    /// characters in a cell are shown as escapes (``Terminal``).
    public static func aligned(header: [String], rows: [[String]]) -> String {
        let all = ([header] + rows).map { $0.map { Terminal.safe($0, keepingNewlines: false) } }
        let lengths = all.map { $0.map(\.count) }
        let widths = header.indices.map { c in lengths.map { c < $0.count ? $0[c] : 0 }.max() ?? 0 }
        var out = ""
        for (r, row) in all.enumerated() {
            if r > 0 { out += "\n" }
            for (c, cell) in row.enumerated() {
                if c > 0 { out += "  " }
                out += cell
                if c < row.count - 1 { out += String(repeating: " ", count: max(widths[c] - lengths[r][c], 0)) }
            }
        }
        return out
    }

    /// RFC 4180: quoted when the field holds a comma, a quote or a line break.
    public static func csvField(_ s: String) -> String {
        let special: (UInt8) -> Bool = { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }
        guard s.utf8.withContiguousStorageIfAvailable({ $0.contains(where: special) }) ?? s.utf8.contains(where: special) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func tsvField(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 || $0 == 92 }) else { return s }
        return s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\t", with: "\\t")
            .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
    }

    static func json(_ cell: Cell) -> String {
        switch cell {
        case .null: "null"
        case .integer(let v): String(v)
        case .real(let v): v.isFinite ? v.description : "null"
        case .text(let s): jsonString(s)
        }
    }

    /// A JSON string literal (RFC 8259 escapes); `htmlSafe` also escapes `<`, `>` and `&`, so that
    /// the literal can sit inside an HTML `<script>`.
    public static func jsonString(_ s: String, htmlSafe: Bool = false) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<" where htmlSafe, ">" where htmlSafe, "&" where htmlSafe: out += String(format: "\\u%04x", scalar.value)
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
