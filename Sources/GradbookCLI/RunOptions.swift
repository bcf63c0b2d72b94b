import ArgumentParser
import Datasets
import Foundation
import Experiments
import Neural

/// The options that define a run, shared by `run` and `sweep`, kept as the text the user
/// typed: `RunSettings` turns them into a configuration, and `sweep` reads comma lists in them
/// as grid axes. Each may also come from `--config FILE.yaml`; a flag wins over the file.
struct RunOptions: ParsableArguments {
    @Option(help: "A YAML file with any of these options (keys as the long flag names); flags override it.")
    var config: String?

    @Option(help: ArgumentHelp("A TensorFlow Playground link ('https://playground.tensorflow.org/#activation=tanh&…'): its settings, "
                               + "with the Playground's defaults for keys it lacks; other flags override it. Parsed, never fetched.",
                               valueName: "url"))
    var playground: String?

    @Option(help: "A built-in data set (\(BuiltinDataset.allCases.map(\.rawValue).joined(separator: ", "))) or a CSV file. (default: spiral)")
    var dataset: String?

    @Option(help: "Points to generate for a built-in data set. (default: 500)")
    var samples: String?

    @Option(help: "Noise of a built-in data set, in percent (0–50). (default: 0)")
    var noise: String?

    @Option(name: .customLong("train-ratio"), help: "Share of the data used for training, in percent. (default: 50)")
    var trainRatio: String?

    @Option(help: "The label column of a CSV file. (default: the last column)")
    var label: String?

    @Option(name: .customLong("label-kind"), help: "How to read CSV labels: auto, classification or regression. (default: auto)")
    var labelKind: String?

    @Flag(inversion: .prefixedNo, help: "Standardise features on the training split. (default: on for CSV, off for built-in sets)")
    var standardize: Bool?

    @Flag(inversion: .prefixedNo, help: "Keep each class's share in both the training and the test split. (default: off)")
    var stratify: Bool?

    @Option(help: "Classes of the built-in 'blobs' set. (default: 3)")
    var classes: String?

    @Option(help: "Dimensions of the built-in 'blobs' set. (default: 2)")
    var dimensions: String?

    @Option(help: ArgumentHelp("Inputs computed from the two coordinates, as on the Playground: "
                               + "\(FeatureCross.allCases.map(\.rawValue).joined(separator: ",")). (default: x,y)", valueName: "crosses"))
    var features: String?

    @Option(help: "Hidden layer widths, comma-separated; 'none' for no hidden layer. (default: 8,8)")
    var layers: String?

    @Option(help: "Hidden activation, or one per layer comma-separated: \(Activation.names.joined(separator: ", ")). (default: tanh)")
    var activation: String?

    @Flag(name: .customLong("batch-norm"), inversion: .prefixedNo, help: "Batch-normalise every hidden layer before its activation. (default: off)")
    var batchNorm: Bool?

    @Option(help: "Dropout probability on every hidden layer's output (inverted dropout, off at evaluation). (default: 0)")
    var dropout: String?

    @Option(help: "Weight initialiser: \(Initializer.names.joined(separator: ", ")). (default: xavier)")
    var initializer: String?

    @Option(help: "Optimiser: \(Optimizer.names.joined(separator: ", ")). (default: sgd)")
    var optimizer: String?

    @Option(name: .customLong("lr"), help: "Learning rate. (default: 0.03)")
    var learningRate: String?

    @Option(name: .customLong("batch-size"), help: "Samples per minibatch. (default: 10)")
    var batchSize: String?

    @Option(help: "Passes over the training set. (default: 100)")
    var epochs: String?

    @Option(help: "L1 penalty rate on the weights. (default: 0)")
    var l1: String?

    @Option(help: "L2 penalty rate on the weights. (default: 0)")
    var l2: String?

    @Option(help: "The Playground's way to say it: none, l1 or l2, at --regularization-rate. (default: none)")
    var regularization: String?

    @Option(name: .customLong("regularization-rate"), help: "The rate of --regularization (the Playground offers 0 to 10). (default: 0)")
    var regularizationRate: String?

    @Option(name: .customLong("clip-norm"), help: "Clip the gradient to this global L2 norm. (default: no clipping)")
    var clipNorm: String?

    @Option(help: "Seed for data, initialisation, shuffling and dropout. (default: 1)")
    var seed: String?

    @Flag(name: .customLong("evaluate-train"), inversion: .prefixedNo,
          help: "Measure train loss with a full pass at each epoch's end, as the Playground does. (default: off)")
    var evaluateTrain: Bool?

    @Option(help: "auto (cross-entropy for classes, MSE for regression) or playground (the Playground's tanh output and ½ squared error). (default: auto)")
    var loss: String?

    @Option(name: .customLong("snapshot-every"), help: "Also keep the weights every N epochs. (default: 0, only initial, best and final)")
    var snapshotEvery: String?

    @Option(help: "Weight snapshots: all (initial, best, final and --snapshot-every) or none. (default: all)")
    var snapshots: String?

    @Option(name: .customLong("vanishing-ratio"), help: "'vanishing' when the first layer's gradient norm < this × the output layer's. (default: 1e-3)")
    var vanishingRatio: String?

    @Option(name: .customLong("vanishing-floor"), help: "…or below this absolute floor. (default: 1e-7)")
    var vanishingFloor: String?

    @Option(name: .customLong("exploding-norm"), help: "'exploding' when a layer's gradient norm exceeds this. (default: 1000)")
    var explodingNorm: String?

    @Option(name: .customLong("exploding-growth"), help: "…or grows by this factor over 3 epochs. (default: 100)")
    var explodingGrowth: String?

    @Option(name: .customLong("dead-fraction"), help: "'dead_relu' when a layer's share of dead units exceeds this. (default: 0.5)")
    var deadFraction: String?

    @Option(name: .customLong("saturation-fraction"), help: "'saturation' when a layer's share of saturated outputs exceeds this. (default: 0.5)")
    var saturationFraction: String?

    @Flag(name: .customLong("stop-on-exploding"), inversion: .prefixedNo, help: "End the run as diverged at the first 'exploding' alert. (default: off)")
    var stopOnExploding: Bool?

    /// The options given on the command line, by key.
    var flagSettings: RunSettings {
        let given: [String: String?] = [
            "dataset": dataset, "samples": samples, "noise": noise, "train-ratio": trainRatio, "label": label,
            "label-kind": labelKind, "standardize": standardize.map(String.init), "stratify": stratify.map(String.init),
            "playground": playground, "classes": classes, "dimensions": dimensions, "features": features, "layers": layers,
            "activation": activation, "regularization": regularization, "regularization-rate": regularizationRate,
            "batch-norm": batchNorm.map(String.init), "dropout": dropout, "initializer": initializer, "optimizer": optimizer,
            "lr": learningRate, "batch-size": batchSize, "epochs": epochs, "l1": l1, "l2": l2, "clip-norm": clipNorm,
            "seed": seed, "evaluate-train": evaluateTrain.map(String.init), "loss": loss,
            "snapshot-every": snapshotEvery, "snapshots": snapshots, "vanishing-ratio": vanishingRatio,
            "vanishing-floor": vanishingFloor, "exploding-norm": explodingNorm, "exploding-growth": explodingGrowth,
            "dead-fraction": deadFraction, "saturation-fraction": saturationFraction,
            "stop-on-exploding": stopOnExploding.map(String.init),
        ]
        return RunSettings(given.compactMapValues { $0 })
    }

    /// Says on stderr which keys of the `--playground` link (or of the config file's
    /// `playground`) were used and which ignored.
    func reportPlayground() throws {
        guard let link = try settings().values["playground"] else { return }
        FileHandle.standardError.write(Data((try PlaygroundLink(parsing: link).report + "\n").utf8))
    }

    /// The configuration file, when `--config` names one.
    func configFile() throws -> ConfigFile? { try config.map(ConfigFile.init(path:)) }

    /// Defaults, then the file, then the flags.
    func settings() throws -> RunSettings {
        (try configFile()?.settings ?? RunSettings()).merging(flagSettings)
    }

    /// The run these options describe; a bad value is a usage error naming it.
    func configuration() throws -> RunConfiguration {
        let config = try settings().configuration()
        try config.training.validate()
        return config
    }
}
