public import ArgumentParser
import Datasets
import Foundation
import Experiments
import Neural

/// The options that define a run, shared by `run` and (later) `sweep`. Each may also come
/// from `--config FILE.yaml`; a flag given on the command line wins over the file.
struct RunOptions: ParsableArguments {
    @Option(help: "A YAML file with any of these options (keys as the long flag names); flags override it.")
    var config: String?

    @Option(help: "A built-in data set (\(BuiltinDataset.allCases.map(\.rawValue).joined(separator: ", "))) or a CSV file. (default: spiral)")
    var dataset: String?

    @Option(help: "Points to generate for a built-in data set. (default: 500)")
    var samples: Int?

    @Option(help: "Noise of a built-in data set, in percent (0–50). (default: 0)")
    var noise: Double?

    @Option(name: .customLong("train-ratio"), help: "Share of the data used for training, in percent. (default: 50)")
    var trainRatio: Double?

    @Option(help: "The label column of a CSV file. (default: the last column)")
    var label: String?

    @Option(name: .customLong("label-kind"), help: "How to read CSV labels: auto, classification or regression. (default: auto)")
    var labelKind: CSVDataset.LabelKind?

    @Flag(inversion: .prefixedNo, help: "Standardise features on the training split. (default: on for CSV, off for built-in sets)")
    var standardize: Bool?

    @Flag(inversion: .prefixedNo, help: "Keep each class's share in both the training and the test split. (default: off)")
    var stratify: Bool?

    @Option(help: "Classes of the built-in 'blobs' set. (default: 3)")
    var classes: Int?

    @Option(help: "Dimensions of the built-in 'blobs' set. (default: 2)")
    var features: Int?

    @Option(help: "Hidden layer widths, comma-separated; 'none' for no hidden layer. (default: 8,8)")
    var layers: String?

    @Option(help: "Hidden activation, or one per layer comma-separated: \(Activation.names.joined(separator: ", ")). (default: tanh)")
    var activation: String?

    @Flag(name: .customLong("batch-norm"), inversion: .prefixedNo, help: "Batch-normalise every hidden layer before its activation. (default: off)")
    var batchNorm: Bool?

    @Option(help: "Dropout probability on every hidden layer's output (inverted dropout, off at evaluation). (default: 0)")
    var dropout: Float?

    @Option(help: "Weight initialiser: \(Initializer.names.joined(separator: ", ")). (default: xavier)")
    var initializer: String?

    @Option(help: "Optimiser: \(Optimizer.names.joined(separator: ", ")). (default: sgd)")
    var optimizer: String?

    @Option(name: .customLong("lr"), help: "Learning rate. (default: 0.03)")
    var learningRate: Float?

    @Option(name: .customLong("batch-size"), help: "Samples per minibatch. (default: 10)")
    var batchSize: Int?

    @Option(help: "Passes over the training set. (default: 100)")
    var epochs: Int?

    @Option(help: "L1 penalty rate on the weights. (default: 0)")
    var l1: Float?

    @Option(help: "L2 penalty rate on the weights. (default: 0)")
    var l2: Float?

    @Option(name: .customLong("clip-norm"), help: "Clip the gradient to this global L2 norm. (default: no clipping)")
    var clipNorm: Float?

    @Option(help: "Seed for data, initialisation, shuffling and dropout. (default: 1)")
    var seed: UInt64?

    @Flag(name: .customLong("evaluate-train"), inversion: .prefixedNo,
          help: "Measure train loss with a full pass at each epoch's end, as the Playground does. (default: off)")
    var evaluateTrain: Bool?

    /// The configuration file, when `--config` names one.
    func configFile() throws -> ConfigFile? { try config.map(ConfigFile.init(path:)) }

    /// The run these options describe: flag, else file, else default. A bad value is a usage
    /// error naming it.
    func configuration() throws -> RunConfiguration {
        let file = try configFile()
        func pick<T: LosslessStringConvertible>(_ flag: T?, _ key: String, _ fallback: T) throws -> T {
            try flag ?? file?.value(key) ?? fallback
        }
        let layers = try pick(self.layers, "layers", "8,8")
        let activation = try pick(self.activation, "activation", "tanh")
        let initializerName = try pick(self.initializer, "initializer", "xavier")
        let optimizerName = try pick(self.optimizer, "optimizer", "sgd")
        let labelKindName = labelKind?.rawValue ?? file?.string("label-kind") ?? "auto"
        guard let labelKind = CSVDataset.LabelKind(rawValue: labelKindName) else {
            throw ValidationError("invalid --label-kind '\(labelKindName)': expected auto, classification or regression")
        }
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
        guard let initializer = Initializer(parsing: initializerName) else {
            throw ValidationError("invalid --initializer '\(initializerName)': expected one of \(Initializer.names.joined(separator: ", "))")
        }
        guard let optimizer = Optimizer(parsing: optimizerName) else {
            throw ValidationError("invalid --optimizer '\(optimizerName)': expected one of \(Optimizer.names.joined(separator: ", "))")
        }
        let seed = try pick(self.seed, "seed", 1)
        guard seed <= UInt64(Int64.max) else {
            throw ValidationError("invalid --seed '\(seed)': expected a whole number from 0 to \(Int64.max)")
        }
        let batchNorm = try pick(self.batchNorm, "batch-norm", false)
        let dropout = try pick(self.dropout, "dropout", 0)
        let hidden = widths.enumerated().map { i, w in
            LayerSpec(units: w, activation: activations.count == 1 ? activations[0] : activations[i],
                      batchNorm: batchNorm, dropout: dropout)
        }
        let clipNorm: Float? = try self.clipNorm ?? file?.value("clip-norm")
        let training = TrainingConfig(
            hidden: hidden, initializer: initializer, optimizer: optimizer,
            learningRate: try pick(learningRate, "lr", 0.03), batchSize: try pick(batchSize, "batch-size", 10),
            epochs: try pick(epochs, "epochs", 100), l1: try pick(l1, "l1", 0), l2: try pick(l2, "l2", 0),
            clipNorm: clipNorm, seed: seed, evaluateTrainingSet: try pick(evaluateTrain, "evaluate-train", false))
        try training.validate()
        let data = DataSpec(
            dataset: try pick(dataset, "dataset", "spiral"), samples: try pick(samples, "samples", 500),
            noise: try pick(noise, "noise", 0), trainRatio: try pick(trainRatio, "train-ratio", 50),
            label: label ?? file?.string("label"), labelKind: labelKind,
            standardize: try standardize ?? file?.value("standardize"), stratified: try pick(stratify, "stratify", false),
            classes: try pick(classes, "classes", 3), features: try pick(features, "features", 2))
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
