import Foundation
public import Neural
public import Tracking

/// Turns each epoch's report into gradient-health alerts, remembering past epochs for the
/// growth test of `exploding`.
///
/// The definitions (per layer, on the mean over the epoch's steps of ‖∂loss/∂W‖):
/// - `vanishing`: first hidden layer's norm < `vanishingRatio` × the output layer's, or < `vanishingFloor`;
/// - `exploding` (growth, not size): a layer's norm > `explodingGrowth` × its norm
///   `explodingWindow` epochs earlier; or above `explodingNorm` and rising — above its norm
///   `explodingWindow` epochs earlier, or above last epoch's while the training loss rises too;
/// - `large_gradient` (a note): above `explodingNorm` but not rising so (a large start that
///   training brings down, as a linear net's 27,000 falling to 300 while its loss converges);
/// - `dead_relu`: a ReLU-family layer whose share of dead units (inactive for every training
///   sample of the epoch) > `deadFraction`;
/// - `saturation`: a sigmoid/tanh layer whose share of outputs in the flat tails > `saturationFraction`;
///   a warning when the layer's mean derivative f′ is below `saturationGain` × the activation's
///   largest (the units pass that little of the gradient on), a note otherwise (saturated units
///   beside ones that still carry the gradient: tanh nets that reach 96–99 % accuracy).
public struct HealthMonitor: Sendable {
    public let thresholds: HealthThresholds
    /// The per-layer norms of the last `explodingWindow` epochs, oldest first, and the last
    /// epoch's training loss: all the growth test looks back at (a long run keeps no more).
    private var history: [[Double]] = []
    private var lastLoss: Double?

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
        let previousLoss = lastLoss
        for (i, norm) in norms.enumerated() {
            let windowAgo = history.count >= t.explodingWindow ? history[history.count - t.explodingWindow].element(i) : nil
            let previous = history.last?.element(i)
            if let windowAgo, windowAgo > 0, norm > t.explodingGrowth * windowAgo {
                alerts.append(AlertRecord(epoch: epoch, kind: .exploding, layer: i, value: norm / windowAgo, threshold: t.explodingGrowth,
                                          message: "layer \(i + 1)'s gradient norm grew \(short(norm / windowAgo))× in \(t.explodingWindow) epochs "
                                              + "(\(short(windowAgo)) → \(short(norm)))"))
            } else if norm > t.explodingNorm {
                let risingOverWindow = windowAgo.map { norm > $0 } ?? false
                let risingWithLoss = previous.map { norm > $0 } ?? false && previousLoss.map { report.trainLoss > $0 } ?? false
                if risingOverWindow || risingWithLoss {
                    let why = risingOverWindow ? "up from \(short(windowAgo!)) \(t.explodingWindow) epochs before"
                        : "up from \(short(previous!)) while the training loss rose from \(short(previousLoss!)) to \(short(report.trainLoss))"
                    alerts.append(AlertRecord(epoch: epoch, kind: .exploding, layer: i, value: norm, threshold: t.explodingNorm,
                                              message: "layer \(i + 1)'s gradient norm \(short(norm)) is above \(short(t.explodingNorm)) and rising, \(why)"))
                } else {
                    let trend = previous.map { norm <= $0 ? "falling from \(short($0))" : "above last epoch's \(short($0)) but the loss is falling" }
                        ?? "in the first epoch"
                    alerts.append(AlertRecord(epoch: epoch, kind: .largeGradient, layer: i, value: norm, threshold: t.explodingNorm,
                                              message: "layer \(i + 1)'s gradient norm \(short(norm)) is above \(short(t.explodingNorm)), \(trend): "
                                                  + "large, not exploding"))
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
                let gain = Self.gradientGain(layer.activation, stats)
                let harmful = gain.map { $0 < t.saturationGain } ?? true
                alerts.append(AlertRecord(
                    epoch: epoch, kind: .saturation, severity: harmful ? .warning : .note, layer: layer.index, value: saturated,
                    threshold: t.saturationFraction,
                    message: Printf.format("%.3g%%", saturated * 100) + " of layer \(layer.index + 1)'s \(layer.activation) outputs are saturated"
                        + (gain.map { ", passing on " + Printf.format("%.3g%%", $0 * 100) + " of the gradient the activation can at most" } ?? "")
                        + (harmful ? "" : ": the rest still carry the gradient")))
            }
        }
        history.append(norms)
        if history.count > t.explodingWindow { history.removeFirst(history.count - t.explodingWindow) }
        lastLoss = report.trainLoss
        return alerts
    }

    /// The mean derivative f′ over a layer's outputs relative to the activation's largest, from
    /// the outputs' mean m and standard deviation s (E[y²] = s² + m²): for tanh f′ = 1 − y², so
    /// E[f′] = 1 − E[y²]; for sigmoid f′ = y(1 − y), at most ¼, so 4(m − E[y²]). `nil` for others.
    static func gradientGain(_ activation: Activation, _ stats: ActivationStatistics) -> Double? {
        let squares = stats.std * stats.std + stats.mean * stats.mean
        switch activation {
        case .tanh: return max(0, 1 - squares)
        case .sigmoid: return max(0, 4 * (stats.mean - squares))
        default: return nil
        }
    }

    /// The alert of a run that diverged at `epoch`, for the whole run (layer -1).
    public static func nanAlert(epoch: Int, message: String) -> AlertRecord {
        AlertRecord(epoch: epoch, kind: .nan, layer: -1, value: nil, threshold: nil, message: message)
    }
}

extension Array where Element == Double {
    /// The value at `i`, when the array is that long.
    fileprivate func element(_ i: Int) -> Double? { i < count ? self[i] : nil }
}

private func mean(_ values: [Float]) -> Float {
    values.isEmpty ? 0 : values.reduce(0, +) / Float(values.count)
}

private func short(_ x: Double) -> String {
    let s = "\(Float(x))"
    return s.count > 9 ? Printf.format("%.3g", x) : s
}
