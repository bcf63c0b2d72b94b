import Datasets
import Foundation
import Neural
import Tracking

extension RunOption {
    /// Every run option, in the order of `--help` and of application (an option may read the
    /// ones before it: `activation` the `layers`, `regularization` the `l1` and `l2`).
    public static let all: [RunOption] = [
        RunOption(key: "playground", group: .source, valueName: "url",
                  help: "A TensorFlow Playground link ('https://playground.tensorflow.org/#activation=tanh&…'): its settings, with the "
                      + "Playground's defaults for keys it lacks; other flags override it. Parsed, never fetched.",
                  sweep: .none, apply: { text, _, c throws(SettingsError) in c.playground = text },
                  read: { $0.playground.map(ParamValue.text) }),

        // Data
        RunOption(key: "dataset", group: .data, default: "spiral",
                  help: "A built-in data set (\(BuiltinDataset.allCases.map(\.rawValue).joined(separator: ", "))) or a CSV file.",
                  playground: ["problem", "dataset", "regDataset"],
                  apply: { text, _, c throws(SettingsError) in c.data.dataset = text }, read: { .text($0.data.dataset) }),
        integer("samples", \.data.samples, default: 500, group: .data, help: "Points to generate for a built-in data set.",
                expected: "a whole number of at least 2", valid: { $0 >= 2 }, stored: { $0.data.builtin != nil }),
        number("noise", \.data.noise, default: 0, group: .data, help: "Noise of a built-in data set, in percent (0–50).",
               expected: "a percentage from 0 to 50", valid: { $0 >= 0 && $0 <= 50 }, playground: ["noise"],
               stored: { $0.data.builtin != nil }),
        number("train-ratio", \.data.trainRatio, default: 50, group: .data, help: "Share of the data used for training, in percent.",
               expected: "a percentage between 0 and 100", valid: { $0 > 0 && $0 < 100 }, playground: ["percTrainData"]),
        RunOption(key: "validation-ratio", group: .data, valueName: "percent", note: "none",
                  help: "Share of the training data set aside for validation, in percent (seeded, stratified with --stratify, "
                      + "standardised with the training part's statistics). Gradbook then selects on it — the best epoch and snapshot, "
                      + "a sweep's winner, pivots, early stopping — and reports test numbers at the selected epoch.",
                  apply: { text, _, c throws(SettingsError) in
                      let ratio: Double = try parse(text, key: "validation-ratio", expected: "a percentage of the training data from 0 to 90",
                                                    valid: { $0 >= 0 && $0 <= 90 })
                      c.data.validationRatio = ratio == 0 ? nil : ratio
                  },
                  read: { $0.data.validationRatio.map { .number($0) } }),
        RunOption(key: "label", group: .data, valueName: "column", note: "the last column", help: "The label column of a CSV file.",
                  apply: { text, _, c throws(SettingsError) in c.data.label = text },
                  read: { $0.data.builtin == nil ? .text($0.data.label ?? "(last column)") : nil }),
        RunOption(key: "label-kind", group: .data, default: "auto", help: "How to read CSV labels: auto, classification or regression.",
                  apply: { text, _, c throws(SettingsError) in
                      guard let kind = CSVDataset.LabelKind(rawValue: text.lowercased()) else {
                          throw .invalid(key: "label-kind", value: text, expected: "auto, classification or regression")
                      }
                      c.data.labelKind = kind
                  },
                  read: { $0.data.builtin == nil ? .text($0.data.labelKind.rawValue) : nil }),
        RunOption(key: "standardize", group: .data, flag: true, note: "on for CSV, off for built-in sets",
                  help: "Standardise features on the training split.",
                  apply: { text, _, c throws(SettingsError) in c.data.standardize = try parseFlag(text, key: "standardize") },
                  read: { .bool($0.data.standardize ?? ($0.data.builtin == nil)) }),
        flag("stratify", \.data.stratified, default: false, group: .data, help: "Keep each class's share in both the training and the test split."),
        integer("classes", \.data.classes, default: 3, group: .data, help: "Classes of the built-in 'blobs' set.",
                expected: "a whole number of at least 2", valid: { $0 >= 2 }, stored: { $0.data.builtin == .blobs }),
        integer("dimensions", \.data.features, default: 2, group: .data, help: "Dimensions of the built-in 'blobs' set.",
                expected: "a whole number of at least 1", valid: { $0 >= 1 }, stored: { $0.data.builtin == .blobs }),
        RunOption(key: "features", group: .data, valueName: "crosses", default: FeatureCross.raw.map(\.rawValue).joined(separator: ","),
                  help: "Inputs computed from the two coordinates, as on the Playground: "
                      + FeatureCross.allCases.map(\.rawValue).joined(separator: ",") + ".",
                  sweep: .slash, playground: ["x", "y", "xTimesY", "xSquared", "ySquared", "sinX", "sinY", "cosX", "cosY"],
                  apply: { text, _, c throws(SettingsError) in
                      // On a CSV file, names that are not crosses choose its input columns, as --columns does.
                      if c.data.builtin == nil, let names = columnNames(text), (try? FeatureCross.list(text)) == nil, Int(text) == nil {
                          c.data.columns = names
                      } else {
                          c.data.crosses = try parseCrosses(text)
                      }
                  },
                  read: { c in
                      // Blobs have no crosses; a CSV file's are stored when it has any.
                      let crosses = c.data.crosses ?? FeatureCross.raw
                      if c.data.builtin == .blobs || (c.data.builtin == nil && crosses == FeatureCross.raw) { return nil }
                      return .text(crosses.map(\.rawValue).joined(separator: ","))
                  }),

        RunOption(key: "columns", group: .data, valueName: "names", note: "every column but the label",
                  help: "A CSV file's input columns, comma-separated, in the order the network reads them (--features accepts them too).",
                  sweep: .slash,
                  apply: { text, _, c throws(SettingsError) in
                      guard let names = columnNames(text) else { throw .invalid(key: "columns", value: text, expected: "comma-separated column names") }
                      c.data.columns = names
                  },
                  read: { $0.data.columns.map { .text($0.joined(separator: ",")) } }),
        RunOption(key: "drop", group: .data, valueName: "names", note: "none",
                  help: "CSV columns to leave out of the inputs (ids, text), comma-separated.", sweep: .slash,
                  apply: { text, _, c throws(SettingsError) in
                      guard let names = columnNames(text) else { throw .invalid(key: "drop", value: text, expected: "comma-separated column names") }
                      c.data.drop = names
                  },
                  read: { $0.data.drop.map { .text($0.joined(separator: ",")) } }),
        RunOption(key: "missing", group: .data, default: MissingValues.error.rawValue,
                  help: "What an empty or NA cell of a CSV file does: error; drop (leave its row out); mean (fill an input with its "
                      + "training mean, stored with the run so predict fills the same; rows without a label are left out).",
                  apply: { text, _, c throws(SettingsError) in
                      guard let policy = MissingValues(rawValue: text.lowercased()) else {
                          throw .invalid(key: "missing", value: text,
                                         expected: MissingValues.allCases.map(\.rawValue).joined(separator: ", ")
                                            + Spelling.hint(for: text, among: MissingValues.allCases.map(\.rawValue)))
                      }
                      c.data.missing = policy == .error ? nil : policy
                  },
                  read: { $0.data.builtin == nil ? .text(($0.data.missing ?? .error).rawValue) : nil }),

        // Network
        RunOption(key: "layers", group: .network, valueName: "widths", default: "8,8",
                  help: "Hidden layer widths, comma-separated; 'none' for no hidden layer.", sweep: .slash, playground: ["networkShape"],
                  apply: { text, _, c throws(SettingsError) in
                      c.training.hidden = try parseWidths(text).map { LayerSpec(units: $0, activation: .identity) }
                  },
                  read: { c in .text(c.training.hidden.isEmpty ? "none" : c.training.hidden.map { "\($0.units)" }.joined(separator: ",")) }),
        RunOption(key: "activation", group: .network, default: "tanh",
                  help: "Hidden activation, or one per layer comma-separated: \(Activation.names.joined(separator: ", ")).",
                  playground: ["activation"],
                  apply: { text, _, c throws(SettingsError) in
                      let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                      let layers = c.training.hidden.count
                      guard names.count == 1 || names.count == layers else {
                          throw .invalid(key: "activation", value: text, expected: "one activation, or one per hidden layer (\(layers))")
                      }
                      for (i, name) in (names.count == 1 ? Array(repeating: names[0], count: layers) : names).enumerated() {
                          guard let a = Activation(parsing: name) else {
                              throw .invalid(key: "activation", value: name,
                                             expected: "one of \(Activation.names.joined(separator: ", "))" + Spelling.hint(for: name, among: Activation.names))
                          }
                          c.training.hidden[i].activation = a
                      }
                  },
                  read: { c in
                      let names = c.training.hidden.map(\.activation.description)
                      return .text(Set(names).count <= 1 ? (names.first ?? "none") : names.joined(separator: ","))
                  }),
        RunOption(key: "batch-norm", group: .network, flag: true, default: "false",
                  help: "Batch-normalise every hidden layer before its activation.",
                  apply: { text, _, c throws(SettingsError) in
                      let on = try parseFlag(text, key: "batch-norm")
                      for i in c.training.hidden.indices { c.training.hidden[i].batchNorm = on }
                  },
                  read: { .bool($0.training.hidden.contains(where: \.batchNorm)) }),
        RunOption(key: "dropout", group: .network, valueName: "p", default: "0",
                  help: "Dropout probability on every hidden layer's output (inverted dropout, off at evaluation).",
                  apply: { text, _, c throws(SettingsError) in
                      let p: Float = try parse(text, key: "dropout", expected: "a probability in [0, 1)", valid: { $0 >= 0 && $0 < 1 })
                      for i in c.training.hidden.indices { c.training.hidden[i].dropout = p }
                  },
                  read: { .number(clean($0.training.hidden.map(\.dropout).max() ?? 0)) }),
        named("initializer", \.training.initializer, default: .xavier, group: .network, help: "Weight initialiser", names: Initializer.names,
              playground: ["initZero"]),

        // Training
        named("optimizer", \.training.optimizer, default: .sgd, group: .training, help: "Optimiser", names: Optimizer.names),
        number("lr", \.training.learningRate, default: 0.03, group: .training, help: "Learning rate.",
               expected: "a positive number", valid: { $0 > 0 }, playground: ["learningRate"]),
        integer("batch-size", \.training.batchSize, default: 10, group: .training, help: "Samples per minibatch.",
                expected: "a whole number of at least 1", valid: { $0 >= 1 }, playground: ["batchSize"]),
        integer("epochs", \.training.epochs, default: 100, group: .training, help: "Passes over the training set.",
                expected: "a whole number of at least 1", valid: { $0 >= 1 }),
        RunOption(key: "engine", group: .training, default: EngineKind.auto.rawValue,
                  help: "How layers compute: auto (the fused small-layer loops up to \(LayerKernel.fusedLimit) weights a layer, BLAS above), "
                      + "fused (every layer), blas (every layer; the portable kernels when no BLAS library is found). "
                      + "The run summary says which each layer ran.",
                  apply: { text, _, c throws(SettingsError) in
                      let names = EngineKind.allCases.map(\.rawValue)
                      guard let kind = EngineKind(rawValue: text.lowercased()) else {
                          throw .invalid(key: "engine", value: text, expected: "one of \(names.joined(separator: ", "))" + Spelling.hint(for: text, among: names))
                      }
                      c.training.engine = kind
                  },
                  read: { .text(($0.training.engine ?? .blas).rawValue) }),
        RunOption(key: "lr-schedule", group: .training, valueName: "schedule", default: "constant",
                  help: "How the learning rate moves over the epochs, after --warmup: constant, step(k, γ) (× γ every k epochs), "
                      + "exponential(γ), cosine(floor) (down to floor by the last epoch), plateau(factor, patience) (× factor when the "
                      + "validation loss, else the training loss, stalls for patience epochs). The rate used is recorded per epoch.",
                  apply: { text, _, c throws(SettingsError) in
                      guard let schedule = LearningRateSchedule(parsing: text) else {
                          throw .invalid(key: "lr-schedule", value: text, expected: "one of \(LearningRateSchedule.names.joined(separator: ", "))")
                      }
                      c.training.schedule = schedule == .constant ? nil : schedule
                  },
                  read: { .text(($0.training.schedule ?? .constant).description) }),
        RunOption(key: "warmup", group: .training, valueName: "epochs", default: "0",
                  help: "Epochs of linear learning-rate warm-up (lr × epoch / (warmup + 1)) before --lr-schedule starts.",
                  apply: { text, _, c throws(SettingsError) in
                      let epochs: Int = try parse(text, key: "warmup", expected: "a whole number of epochs from 0 to 1000000",
                                                  valid: { $0 >= 0 && $0 <= 1_000_000 })
                      c.training.warmupEpochs = epochs == 0 ? nil : epochs
                  },
                  read: { .integer(Int64($0.training.warmupEpochs ?? 0)) }),
        RunOption(key: "early-stop", group: .training, valueName: "metric", note: "off",
                  help: "End the run when this metric (val_loss, val_accuracy, train_loss, …) has not improved by more than --min-delta "
                      + "for --patience epochs; it ends finished with the reason recorded, its final snapshot the best epoch's weights. "
                      + "With --validation-ratio, a validation metric (stopping on test data would select on it).",
                  apply: { text, _, c throws(SettingsError) in
                      let name = text.trimmingCharacters(in: .whitespaces).lowercased()
                      if ["", "none", "off"].contains(name) { c.earlyStopping = nil; return }
                      guard EarlyStopping.metrics.contains(name) else {
                          throw .invalid(key: "early-stop", value: text, expected: "one of \(EarlyStopping.metrics.joined(separator: ", "))")
                      }
                      if name.hasPrefix("val_") && c.data.validationRatio == nil {
                          throw .invalid(key: "early-stop", value: text, expected: "a metric the run records: \(name) needs --validation-ratio")
                      }
                      if name.hasPrefix("test_") && c.data.validationRatio != nil {
                          throw .invalid(key: "early-stop", value: text,
                                         expected: "val_loss or val_accuracy: the run has a validation split, and stopping on test data selects on it")
                      }
                      c.earlyStopping = EarlyStopping(metric: name)
                  },
                  read: { $0.earlyStopping.map { .text($0.metric) } ?? ParamValue.none }),
        RunOption(key: "patience", group: .training, valueName: "epochs", default: "10",
                  help: "With --early-stop: epochs without improvement before the run ends.",
                  apply: { text, _, c throws(SettingsError) in
                      let epochs: Int = try parse(text, key: "patience", expected: "a whole number of epochs from 1 to 1000000",
                                                  valid: { $0 >= 1 && $0 <= 1_000_000 })
                      c.earlyStopping?.patience = epochs
                  },
                  read: { $0.earlyStopping.map { .integer(Int64($0.patience)) } }),
        RunOption(key: "min-delta", group: .training, valueName: "delta", default: "0",
                  help: "With --early-stop: the least change that counts as an improvement.",
                  apply: { text, _, c throws(SettingsError) in
                      let delta: Double = try parse(text, key: "min-delta", expected: "a number ≥ 0", valid: { $0 >= 0 })
                      c.earlyStopping?.minDelta = delta
                  },
                  read: { $0.earlyStopping.map { .number($0.minDelta) } }),
        number("l1", \.training.l1, default: 0, group: .training, help: "L1 penalty rate on the weights.",
               expected: "a number ≥ 0", valid: { $0 >= 0 }),
        number("l2", \.training.l2, default: 0, group: .training, help: "L2 penalty rate on the weights.",
               expected: "a number ≥ 0", valid: { $0 >= 0 }),
        RunOption(key: "regularization", group: .training, valueName: "kind", default: "none",
                  help: "The Playground's way to say it: none, l1 or l2, at --regularization-rate.", playground: ["regularization"], stored: false,
                  apply: { text, settings, c throws(SettingsError) in
                      let kind = text.lowercased()
                      guard ["none", "l1", "l2"].contains(kind) else { throw .invalid(key: "regularization", value: text, expected: "none, l1 or l2") }
                      guard kind != "none" else { return }
                      guard !settings.isGiven(kind) else {
                          throw .invalid(key: "regularization", value: text,
                                         expected: "none when --\(kind) is given (one way to set the \(kind.uppercased()) rate)")
                      }
                      let rate: Float = try parse(settings.text("regularization-rate"), key: "regularization-rate",
                                                  expected: "a number ≥ 0", valid: { $0 >= 0 })
                      if kind == "l1" { c.training.l1 = rate } else { c.training.l2 = rate }
                  },
                  read: { _ in nil }),
        RunOption(key: "regularization-rate", group: .training, valueName: "rate", default: "0",
                  help: "The rate of --regularization (the Playground offers 0 to 10).", playground: ["regularizationRate"], stored: false,
                  apply: { text, _, _ throws(SettingsError) in
                      let _: Float = try parse(text, key: "regularization-rate", expected: "a number ≥ 0", valid: { $0 >= 0 })
                  },
                  read: { _ in nil }),
        RunOption(key: "clip-norm", group: .training, valueName: "norm", note: "no clipping",
                  help: "Clip the gradient to this global L2 norm.",
                  apply: { text, _, c throws(SettingsError) in
                      c.training.clipNorm = ["", "none", "null"].contains(text.lowercased())
                          ? nil : try parse(text, key: "clip-norm", expected: "a positive number", valid: { $0 > 0 })
                  },
                  read: { $0.training.clipNorm.map { .number(clean($0)) } ?? ParamValue.none }),
        RunOption(key: "seed", group: .training, default: "1", help: "Seed for data, initialisation, shuffling and dropout.",
                  playground: ["seed"],
                  apply: { text, _, c throws(SettingsError) in
                      c.training.seed = try parse(text, key: "seed", expected: "a whole number from 0 to \(Int64.max)", valid: { $0 <= UInt64(Int64.max) })
                  },
                  read: { .integer(Int64(clamping: $0.training.seed)) }),
        flag("evaluate-train", \.training.evaluateTrainingSet, default: false, group: .training,
             help: "Measure train loss with a full pass at each epoch's end, as the Playground does."),
        RunOption(key: "loss", group: .training, valueName: "loss", default: "auto",
                  help: "auto (cross-entropy for classes, MSE for regression) or playground (the Playground's tanh output and ½ squared error).",
                  apply: { text, _, c throws(SettingsError) in
                      switch text.lowercased() {
                      case "auto": c.training.playgroundLoss = nil
                      case "playground": c.training.playgroundLoss = true
                      default: throw .invalid(key: "loss", value: text, expected: "auto (cross-entropy or MSE, from the data) or playground")
                      }
                  },
                  read: { .text($0.training.playgroundLoss == true ? "playground" : "auto") }),

        // Tracking
        integer("snapshot-every", \.tracking.snapshotEvery, default: 0,
                note: "0: only initial, best and final; a network of up to \(TrackingOptions.frameLimit) parameters on two input columns "
                    + "also keeps \(TrackingOptions.frames) frames spread over training, for its decision boundary through training", group: .tracking,
                help: "Also keep the weights every N epochs.", expected: "a whole number ≥ 0 (0: no periodic snapshots)", valid: { $0 >= 0 }),
        RunOption(key: "snapshots", group: .tracking, valueName: "which", default: "all",
                  help: "Weight snapshots: all (initial, best, final and --snapshot-every) or none.",
                  apply: { text, _, c throws(SettingsError) in
                      switch text.lowercased() {
                      case "all", "true": c.tracking.snapshots = true
                      case "none", "false": c.tracking.snapshots = false
                      default: throw .invalid(key: "snapshots", value: text, expected: "all or none")
                      }
                  },
                  read: { .text($0.tracking.snapshots ? "all" : "none") }),
        number("vanishing-ratio", \.tracking.thresholds.vanishingRatio, default: 1e-3, group: .tracking,
               help: "'vanishing' when the first layer's gradient norm < this × the output layer's.", expected: "a positive number", valid: { $0 > 0 }),
        number("vanishing-floor", \.tracking.thresholds.vanishingFloor, default: 1e-7, group: .tracking,
               help: "…or below this absolute floor.", expected: "a positive number", valid: { $0 > 0 }),
        number("exploding-norm", \.tracking.thresholds.explodingNorm, default: 1000, group: .tracking,
               help: "'exploding' when a layer's gradient norm exceeds this and rises (over --exploding-window epochs, or with the "
                   + "training loss); 'large_gradient', a note, when it exceeds this but falls.", expected: "a positive number", valid: { $0 > 0 }),
        number("exploding-growth", \.tracking.thresholds.explodingGrowth, default: 100, group: .tracking,
               help: "'exploding' too when a layer's gradient norm grows by this factor over --exploding-window epochs.",
               expected: "a positive number", valid: { $0 > 0 }),
        integer("exploding-window", \.tracking.thresholds.explodingWindow, default: 3, group: .tracking,
                help: "The epochs over which --exploding-growth is measured.", expected: "a whole number of at least 1", valid: { $0 >= 1 }),
        number("dead-fraction", \.tracking.thresholds.deadFraction, default: 0.5, group: .tracking,
               help: "'dead_relu' when a layer's share of dead units exceeds this.", expected: "a share from 0 to 1", valid: { $0 >= 0 && $0 <= 1 }),
        number("saturation-fraction", \.tracking.thresholds.saturationFraction, default: 0.5, group: .tracking,
               help: "'saturation' when a layer's share of saturated outputs exceeds this.", expected: "a share from 0 to 1",
               valid: { $0 >= 0 && $0 <= 1 }),
        number("saturation-gain", \.tracking.thresholds.saturationGain, default: 0.2, group: .tracking,
               help: "'saturation' is a warning when the layer's mean derivative is below this share of its activation's largest "
                   + "(the gradient barely passes), a note otherwise.", expected: "a share from 0 to 1", valid: { $0 >= 0 && $0 <= 1 }),
        flag("stop-on-exploding", \.tracking.stopOnExploding, default: false, group: .tracking,
             help: "End the run as diverged at the first 'exploding' alert."),
    ]
}

// MARK: - Kinds of option

extension RunOption {
    init(key: String, group: Group, valueName: String? = nil, flag: Bool = false, default value: String? = nil, note: String? = nil,
         help: String, sweep: SweepSplit = .comma, playground: [String] = [], stored: Bool = true,
         apply: @escaping @Sendable (String, RunSettings, inout RunConfiguration) throws(SettingsError) -> Void,
         read: @escaping @Sendable (RunConfiguration) -> ParamValue?) {
        self.key = key
        self.group = group
        self.help = help
        self.valueName = valueName ?? key
        isFlag = flag
        defaultValue = value
        defaultNote = note
        self.sweep = sweep
        playgroundKeys = playground
        // The parameter is named after the key, in SQL's spelling.
        param = stored ? key.replacingOccurrences(of: "-", with: "_") : nil
        self.apply = apply
        self.read = read
    }

    /// A real number kept at `path`; stored as a number (a `Float` as the decimal the user typed).
    static func number<V: BinaryFloatingPoint & LosslessStringConvertible & Sendable>(
        _ key: String, _ path: any WritableKeyPath<RunConfiguration, V> & Sendable, default value: V, group: Group, help: String,
        expected: String, valid: @escaping @Sendable (V) -> Bool, playground: [String] = [],
        stored: @escaping @Sendable (RunConfiguration) -> Bool = { _ in true }
    ) -> RunOption {
        RunOption(key: key, group: group, default: "\(value)".replacingOccurrences(of: ".0", with: "", options: [.anchored, .backwards]),
                  help: help, playground: playground,
                  apply: { text, _, c throws(SettingsError) in c[keyPath: path] = try parse(text, key: key, expected: expected, valid: valid) },
                  read: { c in stored(c) ? .number(Double("\(c[keyPath: path])") ?? Double(c[keyPath: path])) : nil })
    }

    /// A whole number kept at `path`.
    static func integer(_ key: String, _ path: any WritableKeyPath<RunConfiguration, Int> & Sendable, default value: Int, note: String? = nil,
                        group: Group, help: String, expected: String, valid: @escaping @Sendable (Int) -> Bool, playground: [String] = [],
                        stored: @escaping @Sendable (RunConfiguration) -> Bool = { _ in true }) -> RunOption {
        RunOption(key: key, group: group, default: "\(value)", note: note, help: help, playground: playground,
                  apply: { text, _, c throws(SettingsError) in c[keyPath: path] = try parse(text, key: key, expected: expected, valid: valid) },
                  read: { c in stored(c) ? .integer(Int64(c[keyPath: path])) : nil })
    }

    /// A boolean kept at `path`: `--key` / `--no-key`, `true`/`false` in files.
    static func flag(_ key: String, _ path: any WritableKeyPath<RunConfiguration, Bool> & Sendable, default value: Bool, group: Group,
                     help: String) -> RunOption {
        RunOption(key: key, group: group, flag: true, default: value ? "true" : "false", help: help,
                  apply: { text, _, c throws(SettingsError) in c[keyPath: path] = try parseFlag(text, key: key) },
                  read: { .bool($0[keyPath: path]) })
    }

    /// A named choice with optional arguments (`adam(0.9, 0.99)`), stored by its canonical name.
    static func named<V: TextCodable & Sendable>(_ key: String, _ path: any WritableKeyPath<RunConfiguration, V> & Sendable, default value: V,
                                                 group: Group, help: String, names: [String], playground: [String] = []) -> RunOption {
        RunOption(key: key, group: group, default: value.description, help: "\(help): \(names.joined(separator: ", ")).",
                  playground: playground,
                  apply: { text, _, c throws(SettingsError) in
                      guard let v = V(parsing: text) else {
                          throw .invalid(key: key, value: text, expected: "one of \(names.joined(separator: ", "))" + Spelling.hint(for: text, among: names))
                      }
                      c[keyPath: path] = v
                  },
                  read: { .text($0[keyPath: path].description) })
    }
}

// MARK: - Reading text

/// `text` as a `T` that passes `valid`, or an error naming `key`.
func parse<T: LosslessStringConvertible>(_ text: String, key: String, expected: String,
                                         valid: (T) -> Bool = { _ in true }) throws(SettingsError) -> T {
    guard let v = T(text.trimmingCharacters(in: .whitespaces)), valid(v) else {
        throw .invalid(key: key, value: text, expected: expected)
    }
    if let f = v as? Double, !f.isFinite { throw .invalid(key: key, value: text, expected: expected) }
    if let f = v as? Float, !f.isFinite { throw .invalid(key: key, value: text, expected: expected) }
    return v
}
