import Datasets
import Neural
public import Tracking

extension RunConfiguration {
    /// Every hyperparameter that shaped the run, defaults included, with SQL-friendly names
    /// (`lr`, `batch_size`, …). Numbers stay numbers; `clip_norm` is NULL when off.
    public var params: [String: ParamValue] {
        let t = training, d = data
        var p: [String: ParamValue] = [
            "dataset": .text(d.dataset),
            "train_ratio": .number(d.trainRatio),
            "stratify": .bool(d.stratified),
            "layers": .text(t.hidden.isEmpty ? "none" : t.hidden.map { "\($0.units)" }.joined(separator: ",")),
            "depth": .integer(Int64(t.hidden.count)),
            "activation": .text(Set(t.hidden.map(\.activation)).count <= 1
                ? (t.hidden.first?.activation.description ?? "none")
                : t.hidden.map(\.activation.description).joined(separator: ",")),
            "batch_norm": .bool(t.hidden.contains { $0.batchNorm }),
            "dropout": .number(clean(t.hidden.map(\.dropout).max() ?? 0)),
            "initializer": .text(t.initializer.description),
            "optimizer": .text(t.optimizer.description),
            "lr": .number(clean(t.learningRate)),
            "batch_size": .integer(Int64(t.batchSize)),
            "epochs": .integer(Int64(t.epochs)),
            "l1": .number(clean(t.l1)),
            "l2": .number(clean(t.l2)),
            "clip_norm": t.clipNorm.map { .number(clean($0)) } ?? .none,
            "seed": .integer(Int64(clamping: t.seed)),
            "evaluate_train": .bool(t.evaluateTrainingSet),
            "loss": .text(t.playgroundLoss == true ? "playground" : "auto"),
            "snapshot_every": .integer(Int64(tracking.snapshotEvery)),
            "snapshots": .text(tracking.snapshots ? "all" : "none"),
            "stop_on_exploding": .bool(tracking.stopOnExploding),
            "vanishing_ratio": .number(tracking.thresholds.vanishingRatio),
            "vanishing_floor": .number(tracking.thresholds.vanishingFloor),
            "exploding_norm": .number(tracking.thresholds.explodingNorm),
            "exploding_growth": .number(tracking.thresholds.explodingGrowth),
            "exploding_window": .integer(Int64(tracking.thresholds.explodingWindow)),
            "dead_fraction": .number(tracking.thresholds.deadFraction),
            "saturation_fraction": .number(tracking.thresholds.saturationFraction),
        ]
        if let builtin = d.builtin {
            p["samples"] = .integer(Int64(d.samples))
            p["noise"] = .number(d.noise)
            p["standardize"] = .bool(d.standardize ?? false)
            if builtin == .blobs {
                p["classes"] = .integer(Int64(d.classes))
                p["dimensions"] = .integer(Int64(d.features))
            } else {
                p["features"] = .text((d.crosses ?? FeatureCross.raw).map(\.rawValue).joined(separator: ","))
            }
        } else {
            p["label"] = d.label.map(ParamValue.text) ?? .text("(last column)")
            p["label_kind"] = .text(d.labelKind.rawValue)
            p["standardize"] = .bool(d.standardize ?? true)
            if let crosses = d.crosses, crosses != FeatureCross.raw { p["features"] = .text(crosses.map(\.rawValue).joined(separator: ",")) }
        }
        if let link = playground { p["playground"] = .text(link) }
        return p
    }
}

/// The `Double` a user means by a `Float` such as 0.03 (not 0.029999999329447746), so that
/// `lr = 0.03` matches in SQL.
private func clean(_ value: Float) -> Double {
    Double("\(value)") ?? Double(value)
}
