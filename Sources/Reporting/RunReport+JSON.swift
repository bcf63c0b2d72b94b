import Foundation
public import Tracking

extension RunReport {
    /// The run on one screen as one JSON document (`gradbook show --format json`): what `text()`
    /// shows, with every number exact — attributes, hyperparameters, tags, notes, per metric its
    /// final and best value and best epoch, the selected epoch and what selected it, the classes'
    /// metrics and the test confusion matrix, the alerts, the last epoch's layer health (layer 1
    /// = first hidden, as in the text) and the snapshots.
    public func json() throws -> JSONValue {
        let epochs = try store.epochs(run: run.id)
        let present = Metric.catalogue.filter { m in epochs.contains { $0.value(of: m.name) != nil } }
        let terms = present.flatMap { [Term(name: $0.name, function: "final"), Term(name: $0.name, function: "best"),
                                       Term(name: $0.name, function: "best_epoch")] }
        let cells = present.isEmpty ? [] : try store.table(runs: [run.id], columns: terms).rows.first ?? []
        let metrics: JSONValue = .object(present.enumerated().map { i, m in
            (m.name, .object([("final", .cell(cells[3 * i])), ("best", .cell(cells[3 * i + 1])), ("best_epoch", .cell(cells[3 * i + 2]))]))
        })
        let selection = [Term(name: Metric.testLoss.name, function: "selected_epoch"), Term(name: Metric.testLoss.name, function: "selected_on")]
        let selected = (try? store.table(runs: [run.id], columns: selection).rows.first) ?? [.null, .null]
        let confusion = try store.confusion(run: run.id, split: "test")
        let layers = run.epochsDone > 0 ? try store.layerHealth(run: run.id, epoch: run.epochsDone) : []
        var members: [(String, JSONValue)] = []
        members += [
            ("run_id", .cell(.integer(run.id))), ("uuid", .string(run.uuid)), ("name", .string(run.name)), ("status", .string(run.status.rawValue)),
        ] as [(String, JSONValue)]
        members += [
            ("error", .string(run.error)), ("stop_reason", .string(run.stopReason)), ("experiment", .string(run.experiment)),
        ] as [(String, JSONValue)]
        members += [
            ("sweep", .string(run.sweep)), ("created", .string(run.createdAt)), ("started", .string(run.startedAt)), ("ended", .string(run.endedAt)),
        ] as [(String, JSONValue)]
        members += [
            ("epochs_done", .integer(run.epochsDone)), ("epochs_planned", .integer(run.epochsPlanned)),
        ] as [(String, JSONValue)]
        members += [
            ("seconds", .number(epochs.compactMap(\.seconds).reduce(0, +))), ("host", .string(run.host)),
        ] as [(String, JSONValue)]
        members += [
            ("pid", .integer(run.pid.map(Int.init))), ("gradbook_version", .string(run.gradbookVersion)),
        ] as [(String, JSONValue)]
        members += [
            ("tags", .object(try store.tags(run: run.id).sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ] as [(String, JSONValue)]
        members += [
            ("notes", .array(try store.notes(run: run.id).map { .object([("created", .string($0.createdAt)), ("text", .string($0.text))]) })),
        ] as [(String, JSONValue)]
        members += [
            ("params", .object(try store.params(run: run.id).sorted { $0.key < $1.key }.map { ($0.key, .param($0.value)) })),
        ] as [(String, JSONValue)]
        members += [
            ("metrics", metrics),
        ] as [(String, JSONValue)]
        members += [
            ("selected", .object([("epoch", .cell(selected[0])), ("selected_on", .cell(selected[1]))])),
        ] as [(String, JSONValue)]
        members += [
            ("classes", .array(try store.classMetrics(run: run.id).map { c in
                .object([("split", .string(c.split)), ("epoch", .integer(c.epoch)), ("class", .string(c.class)), ("precision", .number(c.precision)),
                         ("recall", .number(c.recall)), ("f1", .number(c.f1)), ("support", .integer(c.support))])
            })),
        ] as [(String, JSONValue)]
        members += [
            ("confusion", confusion.map { c in
                .object([("epoch", .integer(c.epoch)), ("counts", .array(c.counts.map { .array($0.map { .integer($0) }) }))])
            } ?? .null),
        ] as [(String, JSONValue)]
        members += [
            ("alerts", .array(try store.alertSummary(run: run.id).map { a in
                .object([("kind", .string(a.kind.rawValue)), ("severity", .string(a.severity.rawValue)),
                         ("layer", a.layer < 0 ? .null : .integer(a.layer + 1)), ("first_epoch", .integer(a.firstEpoch)),
                         ("last_epoch", .integer(a.lastEpoch)), ("epochs", .integer(a.epochs)), ("reason", .string(a.firstMessage))])
            })),
        ] as [(String, JSONValue)]
        members += [
            ("layers", .array(layers.map { l in
                .object([("layer", .integer(l.layer + 1)), ("units", .integer(l.units)), ("activation", .string(l.activation)),
                         ("grad_norm_mean", .number(l.gradNormMean)), ("grad_norm_max", .number(l.gradNormMax)), ("weight_norm", .number(l.weightNorm)),
                         ("update_ratio", .number(l.updateRatio)), ("act_mean", .number(l.actMean)), ("act_std", .number(l.actStd)),
                         ("dead_units", .integer(l.deadUnits)), ("saturated_fraction", .number(l.saturatedFraction))])
            })),
        ] as [(String, JSONValue)]
        members += [
            ("snapshots", .array(try store.snapshots(run: run.id).map { .object([("epoch", .integer($0.epoch)),
                                                                                ("reasons", .array($0.reasons.map { .string($0) }))]) })),
        ] as [(String, JSONValue)]
        return .object(members)
    }
}
