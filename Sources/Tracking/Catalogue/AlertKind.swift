public import GRDB

/// A gradient-health alert: what it means and how grave it is. The one list of alert kinds:
/// the monitor raises them, the store keeps them, filters (`alert.KIND`), exports
/// (`alerts.KIND`) and pictures read them from here.
public enum AlertKind: String, Sendable, Hashable, Codable, CaseIterable, DatabaseValueConvertible {
    /// The first hidden layer's gradient is tiny next to the output layer's.
    case vanishing
    /// A layer's gradient norm growing fast, or above a bound and still rising with the loss.
    case exploding
    /// A layer's gradient norm above the exploding bound but falling (a large start that training
    /// is bringing down): a note, not an alarm.
    case largeGradient = "large_gradient"
    /// A ReLU-family layer whose units stopped responding to every input.
    case deadReLU = "dead_relu"
    /// A sigmoid/tanh layer whose outputs sit in the flat tails.
    case saturation
    /// The loss, a gradient or a weight became NaN or infinite: the run ended `diverged`.
    case nan

    /// How grave an alert is, for pictures and summaries.
    public enum Severity: String, Sendable, Codable, Comparable, CaseIterable, DatabaseValueConvertible {
        /// Worth knowing, not a problem by itself: not counted as an alert (`alerts`, `alert.KIND`).
        case note
        /// Training goes on but learns less than it could.
        case warning
        /// Training is broken or about to be.
        case critical

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
        private var rank: Int { self == .note ? 0 : self == .warning ? 1 : 2 }
    }

    /// The usual severity of this kind; a row may be judged otherwise (``AlertRecord/severity``):
    /// `saturation` is a note while the layer's gradient still flows.
    public var severity: Severity {
        switch self {
        case .exploding, .nan: .critical
        case .vanishing, .deadReLU, .saturation: .warning
        case .largeGradient: .note
        }
    }

    /// One line for help texts and the README.
    public var about: String {
        switch self {
        case .vanishing: "the first hidden layer's gradient norm below a share of the output layer's, or below a floor"
        case .exploding: "a layer's gradient norm grown by a factor over a window of epochs, or above a bound while it and the loss rise"
        case .largeGradient: "a layer's gradient norm above the exploding bound but falling (a note)"
        case .deadReLU: "a ReLU-family layer's share of dead units above a bound"
        case .saturation: "a sigmoid/tanh layer's share of saturated outputs above a bound; a warning when the layer passes on "
            + "less than a share of the gradient its activation can (a note otherwise)"
        case .nan: "the loss, a gradient or a weight became NaN or infinite; the run ends diverged"
        }
    }
}
