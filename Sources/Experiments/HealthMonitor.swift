import Foundation
public import Neural
public import Tracking

/// Turns each epoch's report into gradient-health alerts, remembering past epochs for the
/// growth test of `exploding`.
///
/// The definitions (per layer, on the mean over the epoch's steps of ‖∂loss/∂W‖):
/// - `vanishing`: first hidden layer's norm < `vanishingRatio` × the output layer's, or < `vanishingFloor`;
/// - `exploding`: any layer's norm > `explodingNorm`, or > `explodingGrowth` × its norm
///   `explodingWindow` epochs earlier;
/// - `dead_relu`: a ReLU-family layer whose share of dead units (inactive for every training
///   sample of the epoch) > `deadFraction`;
/// - `saturation`: a sigmoid/tanh layer whose share of outputs in the flat tails > `saturationFraction`.
public struct HealthMonitor: Sendable {
    public let thresholds: HealthThresholds
    private var history: [[Double]] = []

    public init(thresholds: HealthThresholds) {
        self.thresholds = thresholds
    }

    /// The alerts `report` raises.
    public mutating func check(_ report: EpochReport) -> [AlertRecord] {
        let t = thresholds, epoch = report.epoch
        let norms = report.layers.map { Double(mean($0.weightGradientNorms)) }
        var alerts: [AlertRecord] = []
        if norms.count >= 2, let first = norms.first, let last = norms.last {
            if first < t.vanishingFloor || first < t.vanishingRatio * last {
                alerts.append(AlertRecord(epoch: epoch, kind: .vanishing, layer: 0, value: first,
                                          threshold: max(t.vanishingFloor, t.vanishingRatio * last),
                                          message: "first hidden layer's gradient norm \(short(first)) is below "
                                              + (first < t.vanishingFloor ? "the floor \(short(t.vanishingFloor))"
                                                  : "\(short(t.vanishingRatio)) × the output layer's \(short(last))")))
            }
        }
        for (i, norm) in norms.enumerated() {
            if norm > t.explodingNorm {
                alerts.append(AlertRecord(epoch: epoch, kind: .exploding, layer: i, value: norm, threshold: t.explodingNorm,
                                          message: "layer \(i + 1)'s gradient norm \(short(norm)) is above \(short(t.explodingNorm))"))
            } else if history.count >= t.explodingWindow, i < history[history.count - t.explodingWindow].count {
                let before = history[history.count - t.explodingWindow][i]
                if before > 0 && norm > t.explodingGrowth * before {
                    alerts.append(AlertRecord(epoch: epoch, kind: .exploding, layer: i, value: norm / before, threshold: t.explodingGrowth,
                                              message: "layer \(i + 1)'s gradient norm grew \(short(norm / before))× in \(t.explodingWindow) epochs"))
                }
            }
        }
        for layer in report.layers {
            guard let stats = layer.evaluationActivations ?? layer.activations else { continue }
            if let dead = stats.deadFraction, dead > t.deadFraction {
                alerts.append(AlertRecord(epoch: epoch, kind: .deadReLU, layer: layer.index, value: dead, threshold: t.deadFraction,
                                          message: "\(stats.deadUnits ?? 0) of \(stats.units) \(layer.activation) units in layer \(layer.index + 1) are dead"))
            }
            if let saturated = stats.saturatedFraction, saturated > t.saturationFraction {
                alerts.append(AlertRecord(epoch: epoch, kind: .saturation, layer: layer.index, value: saturated, threshold: t.saturationFraction,
                                          message: "\(short(saturated * 100))% of layer \(layer.index + 1)'s \(layer.activation) outputs are saturated"))
            }
        }
        history.append(norms)
        return alerts
    }

    /// The alert of a run that diverged at `epoch`, for the whole run (layer -1).
    public static func nanAlert(epoch: Int, message: String) -> AlertRecord {
        AlertRecord(epoch: epoch, kind: .nan, layer: -1, value: nil, threshold: nil, message: message)
    }
}

private func mean(_ values: [Float]) -> Float {
    values.isEmpty ? 0 : values.reduce(0, +) / Float(values.count)
}

private func short(_ x: Double) -> String {
    let s = "\(Float(x))"
    return s.count > 9 ? String(format: "%.3g", x) : s
}
