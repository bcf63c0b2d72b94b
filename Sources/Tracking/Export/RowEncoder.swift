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
    private let jsonNames: [[UInt8]]
    /// The bytes not yet handed to the sink: a reference, so a copy of an encoder would write
    /// into the same buffer (an encoder lives in its ``TableWriter`` and is lent, never copied).
    private let out = ASCIIBuffer(capacity: RowEncoder.chunk + 1024)
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
        jsonNames = format == .json || format == .jsonl ? columns.map { Array(TableWriter.jsonString($0).utf8) } : []
    }

    /// How many bytes are handed to the sink at a time.
    private static let chunk = 1 << 16

    /// Writes the next cell of the current row.
    public mutating func write(_ cell: Cell) {
        switch format {
        case .table: pending.append(TableWriter.display(cell))
        case .json where column == 0, .jsonl where column == 0: openObject(); fallthrough
        default:
            separate(column, into: out)
            Self.encode(cell, format, into: out)
        }
        column += 1
    }

    /// A cell's text in `format`, alone (no separator, no key): escaped text, digits, JSON's null.
    private static func encode(_ cell: Cell, _ format: OutputFormat, into out: ASCIIBuffer) {
        switch format {
        case .csv: if case .text(let s) = cell { out.write(TableWriter.csvField(s)) } else { out.number(cell) }
        case .tsv: if case .text(let s) = cell { out.write(TableWriter.tsvField(s)) } else { out.number(cell) }
        case .json, .jsonl: if cell.number?.isFinite == true { out.number(cell) } else { out.write(TableWriter.json(cell)) }
        case .table: break
        }
    }

    /// Consecutive cells of a row encoded once for this format, with the separators and keys
    /// between them: written on many rows (a run's id and name beside each of its points)
    /// without being escaped and formatted again for each.
    public struct EncodedCells {
        let cells: [Cell]
        /// The column of the first cell.
        let column: Int
        let bytes: [UInt8]
    }

    /// `cells` as ``write(_:)-(EncodedCells)`` writes them from `column`: what writing each with
    /// ``write(_:)-(Cell)`` writes, without what comes before the first (a separator, a key).
    public func encoded(_ cells: [Cell], at column: Int) -> EncodedCells {
        let field = ASCIIBuffer()
        for (k, cell) in cells.enumerated() {
            if k > 0 { separate(column + k, into: field) }
            Self.encode(cell, format, into: field)
        }
        return EncodedCells(cells: cells, column: column, bytes: Array(field.bytes))
    }

    /// Writes the next cells of the current row from their encoding.
    public mutating func write(_ cells: EncodedCells) {
        precondition(cells.column == column, "cells encoded for column \(cells.column) written at column \(column)")
        guard format != .table else { return cells.cells.forEach { write($0) } }
        if column == 0, format == .json || format == .jsonl { openObject() }
        separate(column, into: out)
        out.append(cells.bytes)
        column += cells.cells.count
    }

    /// What comes before the cell of `column`: a comma or a tab unless it is a row's first, and
    /// its key in the JSON formats (a row's object opens before its first key).
    private func separate(_ column: Int, into out: ASCIIBuffer) {
        switch format {
        case .csv: if column > 0 { out.append(UInt8(ascii: ",")) }
        case .tsv: if column > 0 { out.append(UInt8(ascii: "\t")) }
        case .json, .jsonl:
            if column > 0 { out.append(UInt8(ascii: ",")) }
            if column < jsonNames.count { out.append(jsonNames[column]) } else { out.write(TableWriter.jsonString(String(column + 1))) }
            out.append(UInt8(ascii: ":"))
        case .table: break
        }
    }

    /// Ends the current row; every 64 KiB, the bytes go to the sink.
    public mutating func endRow() throws {
        switch format {
        case .csv: out.append(UInt8(ascii: "\r")); out.append(UInt8(ascii: "\n"))
        case .tsv: out.append(UInt8(ascii: "\n"))
        case .json, .jsonl:
            if column == 0 { openObject() }
            out.append(UInt8(ascii: "}"))
            if format == .jsonl { out.append(UInt8(ascii: "\n")) }
        case .table: table.append(pending); pending = []
        }
        column = 0
        rows += 1
        if out.count >= Self.chunk { try flush() }
    }

    /// Writes a whole row.
    public mutating func write(_ row: [Cell]) throws {
        for cell in row { write(cell) }
        try endRow()
    }

    /// Hands the bytes written so far to the sink.
    mutating func flush() throws {
        try sink.write(out.bytes)
        out.removeAll()
    }

    /// A JSON object's opening: in a JSON array, each on its own line after a comma.
    private mutating func openObject() {
        if format == .json { out.write(rows == 0 ? "\n{" : ",\n{") } else { out.append(UInt8(ascii: "{")) }
    }
}
