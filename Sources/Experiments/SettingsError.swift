import Datasets

/// A run setting that cannot be used: which key, which value, and what is accepted.
public enum SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(key: String, value: String, expected: String, source: String? = nil)
    case unknownKey(key: String, known: [String], source: String? = nil)
    /// A file of settings that cannot be read or is not a mapping.
    case unreadable(source: String, reason: String)

    public var description: String {
        switch self {
        case let .invalid(key, value, expected, source):
            "invalid \(source == nil ? "--" : "")\(key) '\(value)'\(source.map { " in \($0)" } ?? ""): expected \(expected)"
        case let .unknownKey(key, known, source):
            "unknown key '\(key)'\(source.map { " in \($0)" } ?? ""): expected one of \(known.joined(separator: ", "))\(Spelling.hint(for: key, among: known))"
        case let .unreadable(source, reason):
            "cannot read \(source): \(reason)"
        }
    }
}
