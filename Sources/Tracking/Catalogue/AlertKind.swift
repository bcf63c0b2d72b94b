public import GRDB

/// A gradient-health alert: what it means and how grave it is. The one list of alert kinds:
/// the monitor raises them, the store keeps them, filters (`alert.KIND`), exports
/// (`alerts.KIND`) and pictures read them from here.
public enum AlertKind: String, Sendable, Hashable, Codable, CaseIterable, DatabaseValueConvertible {
    /// The first hidden layer's gradient is tiny next to the output layer's.
    case vanishing
    /// A layer's gradient norm above a bound, or growing fast.
    case exploding
    /// A ReLU-family layer whose units stopped responding to every input.
    case deadReLU = "dead_relu"
    /// A sigmoid/tanh layer whose outputs sit in the flat tails.
    case saturation
    /// The loss, a gradient or a weight became NaN or infinite: the run ended `diverged`.
    case nan

    /// How grave an alert is, for pictures and summaries.
    public enum Severity: String, Sendable, Codable {
        /// Training is broken or about to be.
        case critical
        /// Training goes on but learns less than it could.
        case warning
    }

    public var severity: Severity {
        switch self {
        case .exploding, .nan: .critical
        case .vanishing, .deadReLU, .saturation: .warning
        }
    }

    /// One line for help texts and the README.
    public var about: String {
        switch self {
        case .vanishing: "the first hidden layer's gradient norm below a share of the output layer's, or below a floor"
        case .exploding: "a layer's gradient norm above a bound, or grown by a factor over a window of epochs"
        case .deadReLU: "a ReLU-family layer's share of dead units above a bound"
        case .saturation: "a sigmoid/tanh layer's share of saturated outputs above a bound"
        case .nan: "the loss, a gradient or a weight became NaN or infinite; the run ends diverged"
        }
    }
}
