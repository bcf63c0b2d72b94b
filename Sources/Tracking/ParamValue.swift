import GRDB

/// A hyperparameter's value, stored with its type: numbers stay numbers in SQL.
public enum ParamValue: Sendable, Hashable, CustomStringConvertible {
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
    var databaseValue: DatabaseValue {
        switch self {
        case .number(let v): v.databaseValue
        case .integer(let v): v.databaseValue
        case .text(let v): v.databaseValue
        case .bool(let v): (v ? 1 : 0).databaseValue
        case .none: .null
        }
    }

    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .none
        case .int64(let v): self = .integer(v)
        case .double(let v): self = .number(v)
        case .string(let v): self = .text(v)
        case .blob: self = .text("<blob>")
        }
    }
}
