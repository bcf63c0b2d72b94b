/// Why a picture could not be written.
public enum ReportingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A program the output needs is not installed.
    case missingTool(name: String, package: String, instead: String)
    /// The program ran and failed.
    case toolFailed(name: String, reason: String, output: String)

    public var description: String {
        switch self {
        case let .missingTool(name, package, instead): "this needs \(name) (Debian: apt-get install \(package)); \(instead)"
        case let .toolFailed(name, reason, output): "\(name) failed (\(reason)) writing '\(output)'"
        }
    }
}
