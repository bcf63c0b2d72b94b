/// A JSON document built in code, written with its keys in the order given: what the
/// `--format json` outputs of `run`, `sweep`, `show` and `eval` are made of. Numbers are written
/// as exports write them (the shortest text that reads back the same; non-finite as null).
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case cell(Cell)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func number(_ value: Double?) -> JSONValue { value.map { .cell(.real($0)) } ?? .null }
    public static func integer(_ value: Int?) -> JSONValue { value.map { .cell(.integer(Int64($0))) } ?? .null }
    public static func string(_ value: String?) -> JSONValue { value.map { .cell(.text($0)) } ?? .null }

    /// A hyperparameter as JSON: numbers as numbers, flags as booleans, "not set" as null.
    public static func param(_ value: ParamValue) -> JSONValue {
        switch value {
        case .number(let v): .number(v)
        case .integer(let v): .cell(.integer(v))
        case .text(let v): .string(v)
        case .bool(let v): .bool(v)
        case .none: .null
        }
    }

    /// The rows of a table as objects keyed by its columns.
    public static func rows(_ table: ResultTable) -> JSONValue {
        .array(table.rows.map { row in .object(zip(table.columns, row).map { ($0, .cell($1)) }) })
    }

    /// The document, indented by two spaces per level.
    public func text(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .cell(let c): return TableWriter.json(c)
        case .array(let items):
            guard !items.isEmpty else { return "[]" }
            return "[\n" + items.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            return "{\n" + members.map { inner + TableWriter.jsonString($0.0) + ": " + $0.1.text(indent: inner) }.joined(separator: ",\n")
                + "\n" + indent + "}"
        }
    }

    public static func == (a: JSONValue, b: JSONValue) -> Bool { a.text() == b.text() }
}
