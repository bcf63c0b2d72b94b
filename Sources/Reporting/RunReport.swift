import Foundation
public import Tracking

/// One run on one screen, as text (`gradbook show`): status, timing, process, tags, notes,
/// every hyperparameter, final and best metrics with the best epoch, the loss curves as
/// sparklines on one scale, the alerts, the last epoch's layer health and the snapshots kept.
public struct RunReport {
    public let store: RunStore
    public let run: StoredRun

    public init(store: RunStore, run: StoredRun) {
        self.store = store
        self.run = run
    }

    public func text() throws -> String {
        var out: [String] = []
        out.append("run \(run.id)" + (run.name.map { " \"\($0)\"" } ?? "") + "  \(run.uuid)")
        out.append("status     \(run.status.rawValue)" + ((run.error ?? run.stopReason).map { ": \($0)" } ?? ""))
        var place: [String] = []
        if let e = run.experiment { place.append("experiment \(e)") }
        if let s = run.sweep { place.append("sweep \(s)") }
        if !place.isEmpty { out.append("part of    " + place.joined(separator: ", ")) }
        let epochs = try store.epochs(run: run.id)
        let seconds = epochs.compactMap(\.seconds).reduce(0, +)
        out.append("timing     created \(run.createdAt) UTC, ended \(run.endedAt ?? "-"); \(run.epochsDone)/\(run.epochsPlanned.map(String.init) ?? "?") epochs"
            + ", \(Metric.seconds.formatted(seconds)) of training")
        out.append("process    pid \(run.pid.map(String.init) ?? "?") on \(run.host ?? "?"), gradbook \(run.gradbookVersion)")
        let tags = try store.tags(run: run.id)
        if !tags.isEmpty { out.append("tags       " + tags.sorted { $0.key < $1.key }.map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
        for note in try store.notes(run: run.id) { out.append("note       \(note.createdAt): \(note.text)") }
        let params = try store.params(run: run.id)
        out.append("")
        out.append("hyperparameters")
        out.append(Self.wrapped(params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }))
        out.append("")
        out.append(contentsOf: try metrics(epochs))
        out.append(contentsOf: try classes())
        out.append(contentsOf: try alerts())
        out.append(contentsOf: try layers())
        let snapshots = try store.snapshots(run: run.id)
        if !snapshots.isEmpty {
            out.append("")
            out.append("snapshots  " + snapshots.map { "epoch \($0.epoch) (\($0.reasons.joined(separator: ", ")))" }.joined(separator: ", "))
        }
        return out.joined(separator: "\n")
    }

    /// Items on lines of at most `width` characters, indented by two spaces.
    public static func wrapped(_ items: [String], width: Int = 96) -> String {
        guard !items.isEmpty else { return "  nothing" }
        var lines: [String] = [], line = " "
        for item in items {
            if line.count + item.count + 2 > width { lines.append(line); line = " " }
            line += " " + item
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    /// The epoch a sweep table or a pivot reports for this run, what selected it, and the test
    /// numbers there.
    private func selectedLine() throws -> String {
        let m = Metric.testLoss
        let terms = [Term(name: m.name, function: "selected_epoch"), Term(name: m.name, function: "selected_on")]
        guard let cells = try? store.table(runs: [run.id], columns: terms).rows.first, let epoch = cells[0].number.map(Int.init) else { return "" }
        let on = cells[1].text
        let at = [m, .testAccuracy].map { Term(name: $0.name, function: "at", epoch: epoch) }
        let values = (try? store.table(runs: [run.id], columns: at).rows.first) ?? []
        let shown = zip([m, Metric.testAccuracy], values).compactMap { metric, cell in cell.number.map { "\(metric.name) \(metric.formatted($0))" } }
        return "selected epoch \(epoch) (best \(on)\(on == m.name ? ": no validation split, so selected on test data" : "")): "
            + shown.joined(separator: ", ")
    }

    /// Final, best and best epoch of the standard curves, computed by the store's terms (the
    /// one definition of "best").
    private func metrics(_ epochs: [EpochRecord]) throws -> [String] {
        guard let last = epochs.last else { return ["no epochs recorded"] }
        let shown = [Metric.trainLoss, .valLoss, .testLoss, .trainAccuracy, .valAccuracy, .testAccuracy] + Metric.taskMetrics
        let present = shown.filter { m in epochs.contains { $0.value(of: m.name) != nil } }
        let terms = present.flatMap { [Term(name: $0.name, function: "final"), Term(name: $0.name, function: "best"),
                                       Term(name: $0.name, function: "best_epoch")] }
        let cells = try store.table(runs: [run.id], columns: terms).rows.first ?? []
        let rows = present.enumerated().map { i, m in
            [m.name, m.formatted(cells[3 * i].number), m.formatted(cells[3 * i + 1].number), cells[3 * i + 2].text]
        }
        var out = ["metrics at epoch \(last.epoch)", TableWriter.aligned(header: ["metric", "final", "best", "best epoch"], rows: rows)]
        out.append(try selectedLine())
        let train = epochs.compactMap(\.trainLoss), test = epochs.compactMap(\.testLoss)
        let all = train + test
        if let low = all.min(), let high = all.max() {
            out.append("")
            out.append(String(format: "loss curves, epochs 1–%d, scale %.4g … %.4g", last.epoch, low, high))
            out.append("  train  " + Sparkline(values: train).render(range: low...high))
            out.append("  test   " + Sparkline(values: test).render(range: low...high))
        }
        return out
    }

    /// A classifier's precision, recall and F1 per class, and its confusion matrix, at the
    /// selected epoch.
    private func classes() throws -> [String] {
        let metrics = try store.classMetrics(run: run.id)
        guard let first = metrics.first else { return [] }
        let f = Metric.testAccuracy
        let rows = metrics.map { [$0.split, Terminal.safe($0.class), f.formatted($0.precision), f.formatted($0.recall), f.formatted($0.f1), "\($0.support)"] }
        var out = ["", "classes at the selected epoch \(first.epoch)",
                   TableWriter.aligned(header: ["split", "class", "precision", "recall", "f1", "support"], rows: rows)]
        if let (_, counts) = try store.confusion(run: run.id, split: "test") {
            let names = (0..<counts.count).map { i in Terminal.safe(metrics.first { $0.classIndex == i }?.class ?? "\(i)") }
            out.append("")
            out.append("test confusion matrix (rows: actual class, columns: predicted)")
            out.append(TableWriter.aligned(header: ["actual \\ predicted"] + names,
                                           rows: counts.enumerated().map { [names[$0.offset]] + $0.element.map(String.init) }))
        }
        return out
    }

    private func alerts() throws -> [String] {
        let alerts = try store.alertSummary(run: run.id)
        guard !alerts.isEmpty else { return ["", "alerts     none"] }
        let rows = alerts.map { a in
            [a.kind.rawValue, a.severity.rawValue, a.layer < 0 ? "run" : "\(a.layer + 1)", "\(a.firstEpoch)", "\(a.lastEpoch)", "\(a.epochs)",
             a.firstMessage]
        }
        return ["", "alerts", TableWriter.aligned(header: ["alert", "severity", "layer", "first epoch", "last epoch", "epochs", "reason (first epoch)"],
                                                  rows: rows)]
    }

    private func layers() throws -> [String] {
        guard run.epochsDone > 0 else { return [] }
        let layers = try store.layerHealth(run: run.id, epoch: run.epochsDone)
        guard !layers.isEmpty else { return [] }
        func g(_ v: Double?) -> String { v.map { String(format: "%.3g", $0) } ?? "-" }
        let rows = layers.map { l in
            ["\(l.layer + 1)", "\(l.units) \(l.activation)", g(l.gradNormMean), g(l.gradNormMax), g(l.weightNorm), g(l.updateRatio),
             g(l.actMean), g(l.actStd), l.deadUnits.map(String.init) ?? "-", Metric.saturatedFraction.formatted(l.saturatedFraction)]
        }
        return ["", "layer health at epoch \(run.epochsDone) (layer 1 = first hidden; the output layer last)",
                TableWriter.aligned(header: ["layer", "units", "grad norm", "grad max", "weight norm", "update ratio", "act mean",
                                             "act std", "dead", "saturated"], rows: rows)]
    }
}
