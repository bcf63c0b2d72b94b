import GRDB

/// One value of a query result: what SQLite returned, with its type.
public enum Cell: Sendable, Equatable, Hashable, Codable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let v): self = .integer(v)
        case .double(let v): self = v.isFinite ? .real(v) : .null
        case .string(let s): self = .text(s)
        case .blob(let d): self = .text("<\(d.count) bytes>")
        }
    }

    /// The number, for integers and reals.
    public var number: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .real(let v): v
        default: nil
        }
    }

    /// The value as text: numbers in their shortest form that reads back to the same value
    /// (`0.1`, `1e-05`, `12`), NULL as the empty string.
    public var text: String {
        switch self {
        case .null: ""
        case .integer(let v): String(v)
        case .real(let v): v.description
        case .text(let s): s
        }
    }
}

/// A query's answer: named columns and rows of cells.
public struct ResultTable: Sendable, Equatable, Codable {
    public var columns: [String]
    public var rows: [[Cell]]

    public init(columns: [String], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The cells of the column named `name`.
    public func column(_ name: String) -> [Cell]? {
        columns.firstIndex(of: name).map { i in rows.map { $0[i] } }
    }
}

extension Cell {
    /// JSON: the value itself (a number, a string or null), as exports write it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .integer(let v): try c.encode(v)
        case .real(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .real(d) }
        else { self = .text(try c.decode(String.self)) }
    }
}
