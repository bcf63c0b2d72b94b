/// Why a data set could not be made or read. Messages name the file, line and column, the bad
/// value and what was expected.
public enum DatasetError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidOption(name: String, value: String, expected: String)
    case unreadable(path: String, reason: String)
    case empty(path: String)
    case malformed(path: String, line: Int, column: Int?, message: String)
    case missingLabelColumn(path: String, label: String, columns: [String])
    case tooFewSamples(String)
    /// A file holding more values than the memory limit leaves room for.
    case tooLarge(path: String, limit: Int)

    public var description: String {
        switch self {
        case let .invalidOption(name, value, expected):
            "invalid \(name) '\(value)': expected \(expected)"
        case let .unreadable(path, reason):
            "cannot read '\(path)': \(reason)"
        case let .empty(path):
            "'\(path)' is empty: expected a header row and at least one data row"
        case let .malformed(path, line, column, message):
            "\(path):\(line)\(column.map { ":\($0)" } ?? ""): \(message)"
        case let .missingLabelColumn(path, label, columns):
            "'\(path)' has no column '\(label)': its columns are \(columns.map { "'\($0)'" }.joined(separator: ", "))"
        case let .tooFewSamples(message):
            message
        case let .tooLarge(path, limit):
            "'\(path)' holds more than \(limit) values (features and labels), more than the memory limit leaves for data: "
                + "use a smaller file, or raise --memory-limit"
        }
    }
}
