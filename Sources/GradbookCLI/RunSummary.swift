import Experiments
import Foundation
import Neural
import Tracking

/// The short text `gradbook run` prints on stdout when a run ends.
struct RunSummary {
    let config: RunConfiguration
    let result: Runner.Result

    var text: String {
        let t = config.training
        let layers = t.hidden.map { "\($0.units) \($0.activation)" }.joined(separator: ", ")
        var lines = ["run \(result.runID): \(config.data.dataset), hidden [\(layers.isEmpty ? "none" : layers)], "
            + "\(t.optimizer) lr \(t.learningRate), batch \(t.batchSize), seed \(t.seed)"]
        let outcome = result.outcome
        var status = result.status.rawValue
        if case .diverged(_, let message) = outcome.reason { status += ": \(message)" }
        let perEpoch = outcome.epochs > 0 ? result.seconds / Double(outcome.epochs) * 1000 : 0
        lines.append(String(format: "%@ after %d epochs in %.2f s (%.2f ms/epoch); writing them to the store took %.3f s in the background (%.1f%%)",
                            status, outcome.epochs, result.seconds, perEpoch, result.storeSeconds,
                            result.seconds > 0 ? result.storeSeconds / result.seconds * 100 : 0))
        if let last = result.last {
            var metrics = String(format: "train loss %.4f  test loss %.4f", last.trainLoss, last.testLoss)
            if let a = last.trainAccuracy, let b = last.testAccuracy {
                metrics += String(format: "  train accuracy %.1f%%  test accuracy %.1f%%", a * 100, b * 100)
            }
            lines.append(metrics)
        }
        return lines.joined(separator: "\n")
    }
}
