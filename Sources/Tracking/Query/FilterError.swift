/// A filter, sort key or column that cannot be read: where (1-based column), and what was
/// expected. The message quotes the filter with a caret under the place.
public struct FilterError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The column of the offending token in the text (1-based).
    public var column: Int
    public var message: String
    /// The text that was read, set by the caller that knows it.
    public var text: String?
    /// Which option the text came from (`--where`, `--sort`).
    public var option: String?

    public init(column: Int, message: String, text: String? = nil, option: String? = nil) {
        self.column = column
        self.message = message
        self.text = text
        self.option = option
    }

    public var description: String {
        var line = "\(option.map { "invalid \($0): " } ?? "")at column \(column): \(message)"
        if let text, !text.contains("\n") {
            line += "\n  \(text)\n  " + String(repeating: " ", count: max(0, column - 1)) + "^"
        }
        return line
    }
}
