/// Encodes rows in an ``OutputFormat``, a cell at a time, into bytes it hands to the sink in
/// 64 KiB pieces: a row costs no array and no string of its own, and numbers are written
/// straight from their digits. ``TableWriter`` writes every row through one.
///
/// Reached inside ``TableWriter/rows(_:)``, so that a long export's loop holds the writer
/// once rather than once per cell.
public struct RowEncoder {
    let format: OutputFormat
    private let sink: OutputSink
    /// The columns' names as JSON string literals, the JSON formats' keys.
    private let jsonNames: [String]
    private var out = ASCIIBuffer()
    /// The next cell's column in the row being written.
    private var column = 0
    /// Rows ended so far.
    private(set) var rows = 0
    /// The `table` format's rows as people read them (aligned at the end), and the row being written.
    private(set) var table: [[String]] = []
    private var pending: [String] = []

    init(format: OutputFormat, sink: OutputSink, columns: [String]) {
        self.format = format
        self.sink = sink
        jsonNames = format == .json || format == .jsonl ? columns.map { TableWriter.jsonString($0) } : []
        out.bytes.reserveCapacity(Self.chunk + 1024)
    }

    /// How many bytes are handed to the sink at a time.
    private static let chunk = 1 << 16

    /// Writes the next cell of the current row.
    public mutating func write(_ cell: Cell) {
        switch format {
        case .csv:
            if column > 0 { out.bytes.append(UInt8(ascii: ",")) }
            if case .text(let s) = cell { out.write(TableWriter.csvField(s)) } else { number(cell) }
        case .tsv:
            if column > 0 { out.bytes.append(UInt8(ascii: "\t")) }
            if case .text(let s) = cell { out.write(TableWriter.tsvField(s)) } else { number(cell) }
        case .json, .jsonl:
            if column == 0 { openObject() } else { out.bytes.append(UInt8(ascii: ",")) }
            out.write(column < jsonNames.count ? jsonNames[column] : TableWriter.jsonString(String(column + 1)))
            out.bytes.append(UInt8(ascii: ":"))
            if cell.number?.isFinite == true { number(cell) } else { out.write(TableWriter.json(cell)) }
        case .table: pending.append(TableWriter.display(cell))
        }
        column += 1
    }

    /// Ends the current row; every 64 KiB, the bytes go to the sink.
    public mutating func endRow() throws {
        switch format {
        case .csv: out.bytes.append(UInt8(ascii: "\r")); out.bytes.append(UInt8(ascii: "\n"))
        case .tsv: out.bytes.append(UInt8(ascii: "\n"))
        case .json, .jsonl:
            if column == 0 { openObject() }
            out.bytes.append(UInt8(ascii: "}"))
            if format == .jsonl { out.bytes.append(UInt8(ascii: "\n")) }
        case .table: table.append(pending); pending = []
        }
        column = 0
        rows += 1
        if out.bytes.count >= Self.chunk { try flush() }
    }

    /// Writes a whole row.
    public mutating func write(_ row: [Cell]) throws {
        for cell in row { write(cell) }
        try endRow()
    }

    /// Hands the bytes written so far to the sink.
    mutating func flush() throws {
        try sink.write(out.bytes)
        out.bytes.removeAll(keepingCapacity: true)
    }

    /// A JSON object's opening: in a JSON array, each on its own line after a comma.
    private mutating func openObject() {
        if format == .json { out.write(rows == 0 ? "\n{" : ",\n{") } else { out.bytes.append(UInt8(ascii: "{")) }
    }

    /// A number in its shortest form that reads back to the same value (Swift's `description`,
    /// written from its digits without a String; `inf`, `-inf`, `nan` as pandas reads them);
    /// NULL is nothing.
    private mutating func number(_ cell: Cell) {
        switch cell {
        case .integer(let v): out.decimal(v)
        case .real(let v): v.write(to: &out)
        case .null, .text: break
        }
    }
}

/// Bytes that `Double.write(to:)` fills from its digit buffer (`_writeASCII`), not through a String.
struct ASCIIBuffer: TextOutputStream {
    var bytes: [UInt8] = []

    mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    /// The standard library's hook for ASCII text (a float's digits): a copy, no String.
    mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }

    /// An integer's decimal digits.
    mutating func decimal(_ value: Int64) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in   // 19 digits and a sign
            var i = digits.count, magnitude = value.magnitude
            repeat {
                i -= 1
                digits[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            if value < 0 { i -= 1; digits[i] = UInt8(ascii: "-") }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[i...]))
        }
    }
}
