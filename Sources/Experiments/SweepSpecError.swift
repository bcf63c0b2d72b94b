/// Why a sweep specification was refused, naming the file, line and key.
public struct SweepSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var line: Int?
    public var message: String

    public init(source: String, line: Int?, message: String) {
        self.source = source
        self.line = line
        self.message = message
    }

    public var description: String { "\(source)\(line.map { ":\($0)" } ?? ""): \(message)" }
}
