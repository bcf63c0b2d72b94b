/// Why training could not start.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfiguration(name: String, value: String, expected: String)
    case incompatibleData(String)

    public var description: String {
        switch self {
        case let .invalidConfiguration(name, value, expected): "invalid \(name) '\(value)': expected \(expected)"
        case let .incompatibleData(message): message
        }
    }
}
