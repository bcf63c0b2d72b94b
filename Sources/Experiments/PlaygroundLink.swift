import Datasets
import Foundation

/// A TensorFlow Playground link (`https://playground.tensorflow.org/#activation=tanh&…`) read
/// into run settings, offline: the link is parsed, never fetched.
///
/// Keys missing from the link take the Playground's own defaults (circle, 4,2 tanh, lr 0.03,
/// batch 10, 50 % training data, noise 0, inputs x and y), so a bare
/// `https://playground.tensorflow.org/` is the Playground as it opens. Values must be ones the
/// Playground's controls can produce; anything else is an error naming the key. Keys that only
/// change the Playground's display are listed as ignored.
///
/// What the Playground does that carries over: its data sets (500 points, 1,200 for
/// regression), its uniform(−0.5, 0.5) initial weights (`initZero=true`: zeros), its loss
/// (`tanh` output and `½(o − t)²`; `--loss playground`), and train loss measured over the whole
/// training set after each epoch (`evaluate-train`), so the numbers read like the Playground's.
public struct PlaygroundLink: Sendable, Equatable {
    /// The run settings the link describes, by `gradbook run` flag name.
    public private(set) var settings: [String: String] = [:]
    /// The link's keys that set something, in the link's order.
    public private(set) var used: [String] = []
    /// The link's keys that set nothing here (display options, unknown keys).
    public private(set) var ignored: [String] = []
    /// How a value was translated, where that is not obvious (the seed).
    public private(set) var notes: [String] = []

    /// The Playground's choices.
    static let learningRates = ["0.00001", "0.0001", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]
    static let regularizationRates = ["0", "0.001", "0.003", "0.01", "0.03", "0.1", "0.3", "1", "3", "10"]
    static let activations = ["relu", "tanh", "sigmoid", "linear"]
    static let datasets = ["circle": "circle", "xor": "xor", "gauss": "gauss", "spiral": "spiral"]
    static let regressionDatasets = ["reg-plane": "plane", "reg-gauss": "multigauss"]
    static let inputs: KeyValuePairs<String, FeatureCross> = [
        "x": .x, "y": .y, "xTimesY": .xy, "xSquared": .x2, "ySquared": .y2, "sinX": .sinx, "sinY": .siny, "cosX": .cosx, "cosY": .cosy,
    ]
    /// Keys of the Playground's state that only change what it shows.
    static let displayKeys: Set = ["showTestData", "discretize", "collectStats", "hideText", "tutorial", "numHiddenLayers"]

    /// Reads the link's state (the part after `#`; a bare `key=value&…` string works too).
    /// - Throws: ``SettingsError/invalid(key:value:expected:source:)`` naming the key of a
    ///   malformed or out-of-range value.
    public init(parsing link: String) throws(SettingsError) {
        var state = link
        if let hash = link.firstIndex(of: "#") {
            state = String(link[link.index(after: hash)...])
        } else if link.hasPrefix("http://") || link.hasPrefix("https://") || !link.contains("=") {
            state = ""
        }
        var pairs: [(String, String)] = []
        for part in state.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard kv.count == 2, !kv[0].isEmpty else {
                throw Self.invalid(key: "playground", value: String(part), expected: "key=value pairs joined by &, as in the Playground's address")
            }
            pairs.append((kv[0], kv[1].removingPercentEncoding ?? kv[1]))
        }
        var given: [String: String] = [:]
        for (key, value) in pairs { given[key] = value }
        try read(given, order: pairs.map(\.0))
    }

    private mutating func read(_ given: [String: String], order: [String]) throws(SettingsError) {
        func value(_ key: String, _ fallback: String) -> String { given[key] ?? fallback }
        func choice(_ key: String, _ fallback: String, _ allowed: [String]) throws(SettingsError) -> String {
            let v = value(key, fallback)
            guard allowed.contains(v) else { throw Self.invalid(key: key, value: v, expected: "one of \(allowed.joined(separator: ", ")) (the Playground's choices)") }
            return v
        }
        func number(_ key: String, _ fallback: String, _ range: ClosedRange<Double>, step: Double) throws(SettingsError) -> String {
            let v = value(key, fallback)
            guard let n = Double(v), range.contains(n), (n / step).rounded() * step == n else {
                throw Self.invalid(key: key, value: v, expected: "a number from \(Self.plain(range.lowerBound)) to \(Self.plain(range.upperBound)) in steps of \(Self.plain(step))")
            }
            return Self.plain(n)
        }
        func flag(_ key: String, _ fallback: Bool) throws(SettingsError) -> Bool {
            let v = value(key, fallback ? "true" : "false")
            guard v == "true" || v == "false" else { throw Self.invalid(key: key, value: v, expected: "true or false") }
            return v == "true"
        }

        let problem = try choice("problem", "classification", ["classification", "regression"])
        if problem == "regression" {
            settings["dataset"] = Self.regressionDatasets[try choice("regDataset", "reg-plane", Array(Self.regressionDatasets.keys).sorted())]
            settings["samples"] = "1200"
        } else {
            settings["dataset"] = Self.datasets[try choice("dataset", "circle", Array(Self.datasets.keys).sorted())]
            settings["samples"] = "500"
        }
        settings["activation"] = try choice("activation", "tanh", Self.activations)
        settings["lr"] = try choice("learningRate", "0.03", Self.learningRates)
        settings["batch-size"] = try number("batchSize", "10", 1...30, step: 1)
        settings["noise"] = try number("noise", "0", 0...50, step: 5)
        settings["train-ratio"] = try number("percTrainData", "50", 10...90, step: 10)
        let regularization = try choice("regularization", "none", ["none", "L1", "L2"])
        settings["regularization"] = regularization.lowercased()
        settings["regularization-rate"] = try choice("regularizationRate", "0", Self.regularizationRates)
        settings["layers"] = try layers(value("networkShape", "4,2"))
        var crosses: [String] = []
        for (key, cross) in Self.inputs where try flag(key, key == "x" || key == "y") { crosses.append(cross.rawValue) }
        guard !crosses.isEmpty else {
            throw Self.invalid(key: "x", value: "false", expected: "at least one input feature set to true (x, y, xTimesY, xSquared, ySquared, sinX, sinY, cosX, cosY)")
        }
        settings["features"] = crosses.joined(separator: ",")
        settings["initializer"] = try flag("initZero", false) ? "zeros" : "uniform"
        settings["evaluate-train"] = "true"
        settings["loss"] = "playground"
        if let seed = given["seed"] {
            let n = Self.seed(seed)
            settings["seed"] = String(n)
            if UInt64(seed) == nil { notes.append("seed=\(seed) → --seed \(n) (the Playground's own random generator is not reproduced)") }
        }
        let recognised = Set(RunOption.playgroundKeys)
        var seen = Set<String>()
        for key in order where seen.insert(key).inserted {
            // The data set a problem does not use sets nothing.
            let unused = (key == "regDataset" && problem == "classification") || (key == "dataset" && problem == "regression")
            if recognised.contains(key) && !unused { used.append(key) } else { ignored.append(key) }
        }
    }

    /// `4,2` → `4,2`; empty → `none`. At most 6 layers of 1–8 units, as the Playground allows.
    private func layers(_ shape: String) throws(SettingsError) -> String {
        let trimmed = shape.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { return "none" }
        let widths = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard widths.count <= 6, widths.allSatisfy({ $0.map { (1...8).contains($0) } ?? false }) else {
            throw Self.invalid(key: "networkShape", value: shape, expected: "up to 6 comma-separated widths of 1 to 8 neurons, e.g. 4,2 (empty for no hidden layer)")
        }
        return widths.map { String($0!) }.joined(separator: ",")
    }

    /// A whole-number seed as it is; any other text (the Playground writes `0.73512`) hashed
    /// to a stable number (FNV-1a, 63 bits).
    public static func seed(_ text: String) -> UInt64 {
        if let n = UInt64(text), n <= UInt64(Int64.max) { return n }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash & UInt64(Int64.max)
    }

    /// A bad value under `key`, said to come from the link.
    static func invalid(key: String, value: String, expected: String) -> SettingsError {
        .invalid(key: key, value: value.count > 80 ? value.prefix(80) + "…" : value, expected: expected, source: "the Playground link")
    }

    /// `1.0` → `1`, `0.5` → `0.5`.
    private static func plain(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v) }

    /// One line for stderr: which keys were used and which ignored.
    public var report: String {
        var line = "playground link: used " + (used.isEmpty ? "no key (the Playground's defaults)" : used.joined(separator: ", "))
        if !ignored.isEmpty { line += "; ignored " + ignored.joined(separator: ", ") }
        return ([line] + notes).joined(separator: "\n")
    }
}
