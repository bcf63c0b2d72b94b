import Datasets
import Foundation
import Neural

/// A run's options as text, keyed by the long flag names of `gradbook run` (`lr`,
/// `batch-size`, …), as they come from flags, YAML files and sweep specs; resolved into a
/// ``RunConfiguration`` in one place, so every source gets the same checks and messages.
public struct RunSettings: Sendable, Hashable, Codable {
    /// Values given, by key; missing keys take ``defaults``.
    public var values: [String: String]

    /// Every key, in the order help texts list them.
    public static let keys = [
        "playground", "dataset", "samples", "noise", "train-ratio", "label", "label-kind", "standardize", "stratify", "classes",
        "dimensions", "features", "layers", "activation", "batch-norm", "dropout", "initializer", "optimizer", "lr", "batch-size",
        "epochs", "l1", "l2", "regularization", "regularization-rate", "clip-norm", "seed", "evaluate-train", "loss",
        "snapshot-every", "snapshots", "vanishing-ratio", "vanishing-floor", "exploding-norm", "exploding-growth",
        "dead-fraction", "saturation-fraction", "stop-on-exploding",
    ]

    /// The default of each key that has one (`label`, `standardize` and `clip-norm` have none).
    public static let defaults: [String: String] = [
        "dataset": "spiral", "samples": "500", "noise": "0", "train-ratio": "50", "label-kind": "auto",
        "stratify": "false", "classes": "3", "dimensions": "2", "features": "x,y", "layers": "8,8", "activation": "tanh",
        "batch-norm": "false", "dropout": "0", "initializer": "xavier", "optimizer": "sgd", "lr": "0.03",
        "batch-size": "10", "epochs": "100", "l1": "0", "l2": "0", "regularization": "none", "regularization-rate": "0", "seed": "1", "evaluate-train": "false", "loss": "auto",
        "snapshot-every": "0", "snapshots": "true", "vanishing-ratio": "1e-3", "vanishing-floor": "1e-7",
        "exploding-norm": "1000", "exploding-growth": "100", "dead-fraction": "0.5", "saturation-fraction": "0.5",
        "stop-on-exploding": "false",
    ]

    public init(_ values: [String: String] = [:]) {
        self.values = values
    }

    /// `key` in canonical form: lower case, `-` for `_`.
    public static func canonical(_ key: String) -> String {
        key.lowercased().replacingOccurrences(of: "_", with: "-")
    }

    /// These settings with `other`'s values on top.
    public func merging(_ other: RunSettings) -> RunSettings {
        RunSettings(values.merging(other.values) { $1 })
    }

    /// Checks that every key is known; `source` names where the keys came from in messages.
    public func checkKeys(source: String? = nil) throws(SettingsError) {
        for key in values.keys.sorted() where !Self.keys.contains(key) {
            throw .unknownKey(key: key, known: Self.keys, source: source)
        }
    }

    /// The configuration these settings describe; a bad value is an error naming it.
    ///
    /// A `playground` link's state fills every option the other settings leave unset.
    public func configuration() throws(SettingsError) -> RunConfiguration {
        guard let link = values["playground"] else { return try resolved() }
        var config = try RunSettings(PlaygroundLink(parsing: link).settings.merging(values.filter { $0.key != "playground" }) { $1 }).resolved()
        config.playground = link
        return config
    }

    private func resolved() throws(SettingsError) -> RunConfiguration {
        let widths = try parseWidths(text("layers"))
        let names = text("activation").split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard names.count == 1 || names.count == widths.count else {
            throw .invalid(key: "activation", value: text("activation"),
                           expected: "one activation, or one per hidden layer (\(widths.count))")
        }
        var activations: [Activation] = []
        for name in names {
            guard let a = Activation(parsing: name) else {
                throw .invalid(key: "activation", value: name, expected: "one of \(Activation.names.joined(separator: ", "))")
            }
            activations.append(a)
        }
        guard let initializer = Initializer(parsing: text("initializer")) else {
            throw .invalid(key: "initializer", value: text("initializer"), expected: "one of \(Initializer.names.joined(separator: ", "))")
        }
        guard let optimizer = Optimizer(parsing: text("optimizer")) else {
            throw .invalid(key: "optimizer", value: text("optimizer"), expected: "one of \(Optimizer.names.joined(separator: ", "))")
        }
        guard let labelKind = CSVDataset.LabelKind(rawValue: text("label-kind")) else {
            throw .invalid(key: "label-kind", value: text("label-kind"), expected: "auto, classification or regression")
        }
        let seed: UInt64 = try value("seed", "a whole number from 0 to \(Int64.max)")
        guard seed <= UInt64(Int64.max) else { throw .invalid(key: "seed", value: text("seed"), expected: "a whole number from 0 to \(Int64.max)") }
        let batchNorm = try flag("batch-norm"), dropout: Float = try value("dropout", "a probability in [0, 1)")
        let hidden = widths.enumerated().map { i, w in
            LayerSpec(units: w, activation: activations.count == 1 ? activations[0] : activations[i], batchNorm: batchNorm, dropout: dropout)
        }
        let (l1, l2) = try penalties()
        let training = TrainingConfig(
            hidden: hidden, initializer: initializer, optimizer: optimizer,
            learningRate: try value("lr", "a positive number"), batchSize: try value("batch-size", "a whole number of at least 1"),
            epochs: try value("epochs", "a whole number of at least 1"), l1: l1, l2: l2, clipNorm: try optional("clip-norm", "a positive number"), seed: seed,
            evaluateTrainingSet: try flag("evaluate-train"), playgroundLoss: try playgroundLoss())
        let data = DataSpec(
            dataset: text("dataset"), samples: try value("samples", "a whole number of at least 2"),
            noise: try value("noise", "a percentage from 0 to 50"), trainRatio: try value("train-ratio", "a percentage between 0 and 100"),
            label: values["label"], labelKind: labelKind, standardize: values["standardize"] == nil ? nil : try flag("standardize"),
            stratified: try flag("stratify"), classes: try value("classes", "a whole number of at least 2"),
            features: try value("dimensions", "a whole number of at least 1"), crosses: try crosses())
        let snapshotEvery: Int = try value("snapshot-every", "a whole number ≥ 0 (0: no periodic snapshots)")
        guard snapshotEvery >= 0 else { throw .invalid(key: "snapshot-every", value: text("snapshot-every"), expected: "a whole number ≥ 0") }
        let snapshotsText = text("snapshots").lowercased()
        guard ["true", "all", "false", "none"].contains(snapshotsText) else {
            throw .invalid(key: "snapshots", value: text("snapshots"), expected: "all or none")
        }
        let thresholds = HealthThresholds(
            vanishingRatio: try positive("vanishing-ratio"), vanishingFloor: try positive("vanishing-floor"),
            explodingNorm: try positive("exploding-norm"), explodingGrowth: try positive("exploding-growth"),
            deadFraction: try fraction("dead-fraction"), saturationFraction: try fraction("saturation-fraction"))
        let tracking = TrackingOptions(thresholds: thresholds, snapshotEvery: snapshotEvery,
                                       snapshots: snapshotsText == "true" || snapshotsText == "all",
                                       stopOnExploding: try flag("stop-on-exploding"))
        return RunConfiguration(data: data, training: training, tracking: tracking)
    }

    /// `--loss playground`: the Playground's loss; `auto`: the head the data calls for.
    private func playgroundLoss() throws(SettingsError) -> Bool? {
        switch text("loss").lowercased() {
        case "auto": return nil
        case "playground": return true
        default: throw .invalid(key: "loss", value: text("loss"), expected: "auto (cross-entropy or MSE, from the data) or playground")
        }
    }

    /// `--features`: the Playground's feature crosses.
    private func crosses() throws(SettingsError) -> [FeatureCross] {
        let text = text("features")
        if Int(text) != nil {
            throw .invalid(key: "features", value: text, expected: "feature crosses such as x,y,xy (the dimensions of 'blobs' are --dimensions)")
        }
        do { return try FeatureCross.list(text) } catch {
            guard case .invalidOption(_, let value, let expected) = error else { throw .invalid(key: "features", value: text, expected: "\(error)") }
            throw .invalid(key: "features", value: value, expected: expected)
        }
    }

    /// L1 and L2 rates from `--l1`/`--l2`, or from the Playground's `--regularization l1|l2` with
    /// `--regularization-rate`; giving both ways for one penalty is an error.
    private func penalties() throws(SettingsError) -> (l1: Float, l2: Float) {
        var l1: Float = try value("l1", "a number ≥ 0"), l2: Float = try value("l2", "a number ≥ 0")
        let kind = text("regularization").lowercased(), rate: Float = try value("regularization-rate", "a number ≥ 0")
        guard rate >= 0, rate.isFinite else { throw .invalid(key: "regularization-rate", value: text("regularization-rate"), expected: "a number ≥ 0") }
        switch kind {
        case "none": break
        case "l1", "l2":
            guard values[kind] == nil else {
                throw .invalid(key: "regularization", value: text("regularization"),
                               expected: "none when --\(kind) is given (one way to set the \(kind.uppercased()) rate)")
            }
            if kind == "l1" { l1 = rate } else { l2 = rate }
        default:
            throw .invalid(key: "regularization", value: text("regularization"), expected: "none, l1 or l2")
        }
        return (l1, l2)
    }

    private func positive(_ key: String) throws(SettingsError) -> Double {
        let v: Double = try value(key, "a positive number")
        guard v > 0, v.isFinite else { throw .invalid(key: key, value: text(key), expected: "a positive number") }
        return v
    }

    private func fraction(_ key: String) throws(SettingsError) -> Double {
        let v: Double = try value(key, "a share from 0 to 1")
        guard v >= 0, v <= 1 else { throw .invalid(key: key, value: text(key), expected: "a share from 0 to 1") }
        return v
    }

    private func text(_ key: String) -> String { values[key] ?? Self.defaults[key] ?? "" }

    private func value<T: LosslessStringConvertible>(_ key: String, _ expected: String) throws(SettingsError) -> T {
        guard let v = T(text(key).trimmingCharacters(in: .whitespaces)) else {
            throw .invalid(key: key, value: text(key), expected: expected)
        }
        return v
    }

    private func optional<T: LosslessStringConvertible>(_ key: String, _ expected: String) throws(SettingsError) -> T? {
        guard let raw = values[key], !["", "none", "null"].contains(raw.lowercased()) else { return nil }
        guard let v = T(raw) else { throw .invalid(key: key, value: raw, expected: expected) }
        return v
    }

    private func flag(_ key: String) throws(SettingsError) -> Bool {
        switch text(key).lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: throw .invalid(key: key, value: text(key), expected: "true or false")
        }
    }

    /// `8,8` → [8, 8]; `none` or empty → no hidden layer.
    private func parseWidths(_ text: String) throws(SettingsError) -> [Int] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return [] }
        var widths: [Int] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0 else {
                throw .invalid(key: "layers", value: text, expected: "comma-separated positive widths such as 8,8 ('\(part)' is not one)")
            }
            widths.append(w)
        }
        return widths
    }
}
