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
            // A long filter is shown around the place: at most 60 characters either side.
            let chars = Array(text), at = min(max(0, column - 1), chars.count)
            let from = max(0, at - 60), to = min(chars.count, at + 60)
            let shown = (from > 0 ? "…" : "") + String(chars[from..<to]) + (to < chars.count ? "…" : "")
            line += "\n  \(shown)\n  " + String(repeating: " ", count: at - from + (from > 0 ? 1 : 0)) + "^"
        }
        return line
    }
}
