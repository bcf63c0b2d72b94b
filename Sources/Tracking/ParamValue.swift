public import GRDB

/// A hyperparameter's value, stored with its type: numbers stay numbers in SQL.
public enum ParamValue: Sendable, Hashable, CustomStringConvertible, Codable, DatabaseValueConvertible {
    case number(Double)
    case integer(Int64)
    case text(String)
    case bool(Bool)
    /// "Not set", e.g. no gradient clipping.
    case none

    public var description: String {
        switch self {
        case .number(let v): "\(v)"
        case .integer(let v): "\(v)"
        case .text(let v): v
        case .bool(let v): v ? "true" : "false"
        case .none: "none"
        }
    }

    /// The SQL value: REAL, INTEGER, TEXT, 0/1, or NULL.
    public var databaseValue: DatabaseValue {
        switch self {
        case .number(let v): v.databaseValue
        case .integer(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .bool(let v): (v ? 1 : 0).databaseValue
        case .none: .null
        }
    }

    public static func fromDatabaseValue(_ value: DatabaseValue) -> ParamValue? {
        switch value.storage {
        case .null: ParamValue.none
        case .int64(let v): .integer(v)
        case .double(let v): .number(v)
        case .string(let v): .text(v)
        case .blob: .text("<blob>")
        }
    }

    /// JSON: a number, a string, a boolean or null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let v): try c.encode(v)
        case .integer(let v): try c.encode(v)
        case .text(let v): try c.encode(v)
        case .bool(let v): try c.encode(v)
        case .none: try c.encodeNil()
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .none }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .text(try c.decode(String.self)) }
    }
}
