import Datasets
import Foundation
import Neural
public import Tracking

/// The short text `gradbook run` prints when a run ends: what was trained, how it ended, how
/// long it took, and its last metrics.
public struct RunSummary {
    public let config: RunConfiguration
    public let result: Runner.Result

    public init(config: RunConfiguration, result: Runner.Result) {
        self.config = config
        self.result = result
    }

    public var text: String {
        let t = config.training
        let layers = t.hidden.map { "\($0.units) \($0.activation)" }.joined(separator: ", ")
        var lines = ["run \(result.runID): \(config.data.dataset), hidden [\(layers.isEmpty ? "none" : layers)], "
            + "\(t.optimizer) lr \(t.learningRate), batch \(t.batchSize), seed \(t.seed)"]
        let outcome = result.outcome
        var status = result.status.rawValue
        if case .diverged(_, let message) = outcome.reason { status += ": \(message)" }
        if let reason = result.stopReason { status += " (\(reason))" }
        // This process's time over the epochs it trained (a resumed run's earlier ones were another's).
        let trainedHere = outcome.epochs - (result.resumedAfter ?? 0)
        let perEpoch = trainedHere > 0 ? result.seconds / Double(trainedHere) * 1000 : 0
        lines.append(String(format: "%@ after %d epochs in %.2f s (%.2f ms/epoch); the store's writes took %.3f s in the background",
                            status, outcome.epochs, result.seconds, perEpoch, result.storeSeconds))
        if let at = result.resumedAfter { lines.append("resumed after epoch \(at) from its checkpoint; the times above are this process's") }
        lines.append(engineLine)
        if result.missing.droppedRows > 0 {
            lines.append("missing values: \(result.missing.droppedRows) rows of the file left out (--missing drop)")
        }
        if result.missing.missingValues > 0 {
            lines.append("missing values: \(result.missing.missingValues) filled with their column's training mean (--missing mean)")
        }
        if let last = result.lastRecord {
            let shown = [Metric.trainLoss, .valLoss, .testLoss, .trainAccuracy, .valAccuracy, .testAccuracy]
                + Metric.taskMetrics.filter { $0.name.hasPrefix("test_") }.sorted { $0.name < $1.name }
            lines.append(Self.metrics(shown.map { ($0, last.value(of: $0.name)) }))
            if result.targetUnits { lines.append("losses are mean squared errors in the target's own units (it was standardised for training)") }
        }
        // The epoch a sweep or a pivot would report for this run, and what chose it.
        if let selected = result.selected, let by = result.selectedBy, by.name != Metric.testLoss.name {
            lines.append("selected epoch \(selected.epoch) (best \(by.name)): "
                + Self.metrics([(by, selected.value(of: by.name)), (.testLoss, selected.testLoss), (.testAccuracy, selected.testAccuracy)]))
        }
        return lines.joined(separator: "\n")
    }

    /// `engine auto: layer 1 fused, layers 2-3 blas; BLAS: OpenBLAS 0.3.21 (libopenblas.so.0); lanes: 8 (AVX2)`,
    /// with `threads: N` after the layers when a team of N threads shared the steps.
    var engineLine: String {
        var groups: [(kernel: LayerKernel, layers: [Int])] = []
        for (i, kernel) in result.kernels.enumerated() {
            if groups.last?.kernel == kernel { groups[groups.count - 1].layers.append(i + 1) } else { groups.append((kernel, [i + 1])) }
        }
        let layers = groups.map { g in
            g.layers.count == 1 ? "layer \(g.layers[0]) \(g.kernel.rawValue)" : "layers \(g.layers[0])-\(g.layers.last!) \(g.kernel.rawValue)"
        }
        let threads = result.threads > 1 ? "; threads: \(result.threads)" : ""
        return "engine \((config.training.engine ?? .blas).rawValue): \(layers.joined(separator: ", "))\(threads); BLAS: \(Self.blas); lanes: \(VectorLanes.description)"
    }

    /// The BLAS library the process loaded, or that it loaded none: only a layer on BLAS (or
    /// wide enough that `auto` asks) looks for one.
    static var blas: String { BLAS.libraryIfLookedFor ?? "not loaded (every layer fused)" }

    /// The same as a JSON document, for scripts: the run, how it ended, its hyperparameters, the
    /// last epoch's metrics and the selected epoch's, by their catalogue names.
    public var json: JSONValue {
        let outcome = result.outcome
        var members: [(String, JSONValue)] = [
            ("run_id", .cell(.integer(result.runID))), ("status", .string(result.status.rawValue)),
            ("stop_reason", .string(result.stopReason)),
            ("error", { if case .diverged(_, let m) = outcome.reason { return .string(m) } else { return .null } }()),
            ("epochs", .integer(outcome.epochs)), ("seconds", .number(result.seconds)), ("store_seconds", .number(result.storeSeconds)),
            ("params", .object(config.params.sorted { $0.key < $1.key }.map { ($0.key, .param($0.value)) })),
        ]
        if let last = result.lastRecord { members.append(("final", Self.metricsJSON(last))) }
        if let selected = result.selected {
            members.append(("selected", .object([("epoch", .integer(selected.epoch)), ("selected_on", .string(result.selectedBy?.name)),
                                                 ("metrics", Self.metricsJSON(selected))])))
        }
        members.append(("missing", .object([("rows_left_out", .integer(result.missing.droppedRows)),
                                            ("values_filled", .integer(result.missing.missingValues))])))
        members.append(("target_units", .bool(result.targetUnits)))
        members.append(("resumed_after", .integer(result.resumedAfter)))
        members.append(("engine", .object([("asked", .string((config.training.engine ?? .blas).rawValue)),
                                           ("layers", .array(result.kernels.map { .string($0.rawValue) })),
                                           ("threads", .integer(result.threads)), ("blas", .string(Self.blas)),
                                           ("lanes", .integer(VectorLanes.width))])))
        return .object(members)
    }

    /// An epoch's catalogue metrics that have a value, in the catalogue's order.
    private static func metricsJSON(_ record: EpochRecord) -> JSONValue {
        .object(Metric.catalogue.compactMap { m in record.value(of: m.name).map { (m.name, .number($0)) } })
    }

    /// `train loss 0.12  test loss 0.2`: the values there are.
    private static func metrics(_ values: [(Metric, Double?)]) -> String {
        values.compactMap { metric, value in
            value.map { "\(metric.name.replacingOccurrences(of: "_", with: " ")) \(metric.formatted($0))" }
        }.joined(separator: "  ")
    }
}
