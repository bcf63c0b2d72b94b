public import ArgumentParser
import Datasets
import Foundation
import Experiments
import Neural

/// The options that define a run, shared by `run` and (later) `sweep`.
struct RunOptions: ParsableArguments {
    @Option(help: "A built-in data set (\(BuiltinDataset.allCases.map(\.rawValue).joined(separator: ", "))) or a CSV file.")
    var dataset = "spiral"

    @Option(help: "Points to generate for a built-in data set.")
    var samples = 500

    @Option(help: "Noise of a built-in data set, in percent (0–50).")
    var noise = 0.0

    @Option(name: .customLong("train-ratio"), help: "Share of the data used for training, in percent.")
    var trainRatio = 50.0

    @Option(help: "The label column of a CSV file (default: the last column).")
    var label: String?

    @Option(name: .customLong("label-kind"), help: "How to read CSV labels: auto, classification or regression.")
    var labelKind: CSVDataset.LabelKind = .auto

    @Flag(inversion: .prefixedNo, help: "Standardise features on the training split (default: on for CSV, off for built-in sets).")
    var standardize: Bool?

    @Flag(help: "Keep each class's share in both the training and the test split.")
    var stratify = false

    @Option(help: "Classes of the built-in 'blobs' set.")
    var classes = 3

    @Option(help: "Dimensions of the built-in 'blobs' set.")
    var features = 2

    @Option(help: "Hidden layer widths, comma-separated (e.g. 8,8); 'none' for no hidden layer.")
    var layers = "8,8"

    @Option(help: "Hidden activation, or one per layer comma-separated: \(Activation.names.joined(separator: ", ")).")
    var activation = "tanh"

    @Flag(name: .customLong("batch-norm"), help: "Batch-normalise every hidden layer before its activation.")
    var batchNorm = false

    @Option(help: "Dropout probability on every hidden layer's output (inverted dropout, off at evaluation).")
    var dropout: Float = 0

    @Option(help: "Weight initialiser: \(Initializer.names.joined(separator: ", ")).")
    var initializer = "xavier"

    @Option(help: "Optimiser: \(Optimizer.names.joined(separator: ", ")).")
    var optimizer = "sgd"

    @Option(name: .customLong("lr"), help: "Learning rate.")
    var learningRate: Float = 0.03

    @Option(name: .customLong("batch-size"), help: "Samples per minibatch.")
    var batchSize = 10

    @Option(help: "Passes over the training set.")
    var epochs = 100

    @Option(help: "L1 penalty rate on the weights.")
    var l1: Float = 0

    @Option(help: "L2 penalty rate on the weights.")
    var l2: Float = 0

    @Option(name: .customLong("clip-norm"), help: "Clip the gradient to this global L2 norm.")
    var clipNorm: Float?

    @Option(help: "Seed for data, initialisation, shuffling and dropout.")
    var seed: UInt64 = 1

    @Flag(name: .customLong("evaluate-train"), help: "Measure train loss with a full pass at each epoch's end (as the Playground does).")
    var evaluateTrain = false

    /// The run these options describe; a bad value is a usage error naming it.
    func configuration() throws -> RunConfiguration {
        let widths = try Self.parseWidths(layers)
        let names = activation.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard names.count == 1 || names.count == widths.count else {
            throw ValidationError("--activation lists \(names.count) activations for \(widths.count) hidden layers; expected one, or one per layer")
        }
        let activations = try names.map { name in
            guard let a = Activation(parsing: name) else {
                throw ValidationError("invalid --activation '\(name)': expected one of \(Activation.names.joined(separator: ", "))")
            }
            return a
        }
        guard let initializer = Initializer(parsing: initializer) else {
            throw ValidationError("invalid --initializer '\(initializer)': expected one of \(Initializer.names.joined(separator: ", "))")
        }
        guard let optimizer = Optimizer(parsing: optimizer) else {
            throw ValidationError("invalid --optimizer '\(optimizer)': expected one of \(Optimizer.names.joined(separator: ", "))")
        }
        let hidden = widths.enumerated().map { i, w in
            LayerSpec(units: w, activation: activations.count == 1 ? activations[0] : activations[i],
                      batchNorm: batchNorm, dropout: dropout)
        }
        let training = TrainingConfig(
            hidden: hidden, initializer: initializer, optimizer: optimizer, learningRate: learningRate,
            batchSize: batchSize, epochs: epochs, l1: l1, l2: l2, clipNorm: clipNorm, seed: seed,
            evaluateTrainingSet: evaluateTrain)
        try training.validate()
        let data = DataSpec(dataset: dataset, samples: samples, noise: noise, trainRatio: trainRatio, label: label,
                            labelKind: labelKind, standardize: standardize, stratified: stratify,
                            classes: classes, features: features)
        return RunConfiguration(data: data, training: training)
    }

    /// Parses `8,8` into widths; `none` or an empty text means no hidden layer.
    static func parseWidths(_ text: String) throws -> [Int] {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.lowercased() == "none" { return [] }
        return try trimmed.split(separator: ",", omittingEmptySubsequences: false).map { part in
            guard let w = Int(part.trimmingCharacters(in: .whitespaces)), w > 0 else {
                throw ValidationError("invalid --layers '\(text)': '\(part)' is not a positive width; expected comma-separated widths such as 8,8")
            }
            return w
        }
    }
}

extension CSVDataset.LabelKind: ExpressibleByArgument {}
