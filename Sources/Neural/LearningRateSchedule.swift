import Foundation

/// How the learning rate moves from epoch to epoch, after an optional linear warm-up
/// (``TrainingConfig/warmupEpochs``). Written as on the command line: `constant`, `step(10, 0.5)`,
/// `exponential(0.95)`, `cosine(0.001)`, `plateau(0.1, 10)`.
///
/// With base rate `lr`, `W` warm-up epochs, `E` epochs in all and `t = epoch − 1 − W` (epochs
/// since the warm-up), as PyTorch's schedulers stepped once per epoch compute them:
/// - warm-up, epochs 1…W: `lr · epoch / (W + 1)`, rising linearly to just below `lr`;
/// - `constant`: `lr`;
/// - `step(k, γ)`: `lr · γ^⌊t / k⌋` (`StepLR`);
/// - `exponential(γ)`: `lr · γ^t` (`ExponentialLR`);
/// - `cosine(floor)`: `floor + (lr − floor) · (1 + cos(π t / (E − W))) / 2` (`CosineAnnealingLR`, `T_max = E − W`);
/// - `plateau(factor, patience)`: `lr · factor^r`, where `r` counts the reductions so far: one each
///   time the watched loss (the validation loss when the run has a validation split, else the
///   training loss, never the test loss) has not improved on its best by a relative 1e-4 for more
///   than `patience` epochs (`ReduceLROnPlateau` with its defaults).
public enum LearningRateSchedule: Sendable, Hashable, TextCodable {
    case constant
    case step(every: Int, gamma: Float)
    case exponential(gamma: Float)
    case cosine(floor: Float)
    case plateau(factor: Float, patience: Int)

    public static let names = ["constant", "step(k, γ)", "exponential(γ)", "cosine", "cosine(floor)", "plateau", "plateau(factor, patience)"]

    public init?(parsing text: String) {
        guard let parsed = ParameterizedName(text) else { return nil }
        func whole(_ x: Float) -> Int? { x >= 1 && x <= 1e9 && x == x.rounded() ? Int(x) : nil }
        switch parsed.name {
        case "constant", "none": guard parsed.arguments.isEmpty else { return nil }; self = .constant
        case "step":
            guard let a = parsed.arguments(defaults: [10, 0.1]), let k = whole(a[0]), a[1] > 0, a[1] <= 1 else { return nil }
            self = .step(every: k, gamma: a[1])
        case "exponential":
            guard let a = parsed.arguments(defaults: [0.95]), a[0] > 0, a[0] <= 1 else { return nil }
            self = .exponential(gamma: a[0])
        case "cosine":
            guard let a = parsed.arguments(defaults: [0]), a[0] >= 0 else { return nil }
            self = .cosine(floor: a[0])
        case "plateau":
            guard let a = parsed.arguments(defaults: [0.1, 10]), a[0] > 0, a[0] < 1, a[1] >= 0, a[1] <= 1e9, a[1] == a[1].rounded() else { return nil }
            self = .plateau(factor: a[0], patience: Int(a[1]))
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .constant: "constant"
        case let .step(k, g): g != 0.1 ? "step(\(k), \(g))" : k != 10 ? "step(\(k))" : "step"
        case .exponential(let g): formatName("exponential", [g], defaults: [0.95])
        case .cosine(let floor): formatName("cosine", [floor], defaults: [0])
        case let .plateau(f, p): p != 10 ? "plateau(\(f), \(p))" : f != 0.1 ? "plateau(\(f))" : "plateau"
        }
    }
}

/// The rate of each epoch for one run: a ``LearningRateSchedule`` after its warm-up, with the
/// state `plateau` needs.
struct LearningRateScheduler {
    let base: Float
    let schedule: LearningRateSchedule
    let warmup: Int
    let epochs: Int
    private(set) var best = Double.infinity
    private(set) var badEpochs = 0
    private(set) var reductions = 0

    /// `plateau`'s state: the best loss, the epochs without improvement, the reductions made.
    var state: [Double] { [best, Double(badEpochs), Double(reductions)] }

    /// Takes `state` back after `epochs` epochs (empty: the state of a fresh run). Returns
    /// `false`, changing nothing, for numbers no scheduler had then: a best that is not a number,
    /// counts that are not whole numbers from 0 to `epochs` (each grows by at most one an epoch;
    /// from damaged bytes).
    mutating func restore(_ state: [Double], after epochs: Int) -> Bool {
        if state.isEmpty { return true }
        guard state.count == 3, !state[0].isNaN, let bad = Int(exactly: state[1]), let made = Int(exactly: state[2]),
              (0...epochs).contains(bad), (0...epochs).contains(made) else {
            return false
        }
        (best, badEpochs, reductions) = (state[0], bad, made)
        return true
    }

    init(config: TrainingConfig) {
        base = config.learningRate
        schedule = config.schedule ?? .constant
        warmup = config.warmupEpochs ?? 0
        epochs = config.epochs
    }

    /// The rate for `epoch` (from 1).
    func rate(epoch: Int) -> Float {
        if epoch <= warmup { return base * Float(epoch) / Float(warmup + 1) }
        let t = epoch - 1 - warmup
        switch schedule {
        case .constant: return base
        case let .step(k, gamma): return base * Float(pow(Double(gamma), Double(t / k)))
        case .exponential(let gamma): return base * Float(pow(Double(gamma), Double(t)))
        case .cosine(let floor):
            let span = Double(max(epochs - warmup, 1))
            return floor + (base - floor) * Float((1 + cos(Double.pi * Double(t) / span)) / 2)
        case let .plateau(factor, _): return base * Float(pow(Double(factor), Double(reductions)))
        }
    }

    /// Takes the loss that `plateau` watches, after `epoch`; other schedules ignore it.
    mutating func observe(loss: Double, epoch: Int) {
        guard case let .plateau(_, patience) = schedule, epoch > warmup else { return }
        if loss < best * (1 - 1e-4) {
            best = loss
            badEpochs = 0
        } else {
            badEpochs += 1
            if badEpochs > patience {
                reductions += 1
                badEpochs = 0
            }
        }
    }
}
