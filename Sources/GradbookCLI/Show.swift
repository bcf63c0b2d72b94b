import ArgumentParser
import Foundation
import Tracking

/// `gradbook show RUN`: everything about one run on one screen.
struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a run: configuration, status, metrics, alerts, layer health, snapshots and its loss curves.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run: its id or a uuid prefix.")
    var runID: String

    mutating func run() throws {
        let db = try store.open()
        defer { try? db.close() }
        print(try RunReport(store: db, run: db.run(runID)).text)
    }
}

/// The text of `gradbook show`.
struct RunReport {
    let store: RunStore
    let run: StoredRun

    var text: String {
        get throws {
            var out: [String] = []
            let title = "run \(run.id)" + (run.name.map { " \"\($0)\"" } ?? "") + "  \(run.uuid)"
            out.append(title)
            out.append("status     \(run.status.rawValue)" + (run.error.map { ": \($0)" } ?? ""))
            var place: [String] = []
            if let e = run.experiment { place.append("experiment \(e)") }
            if let s = run.sweep { place.append("sweep \(s)") }
            if !place.isEmpty { out.append("part of    " + place.joined(separator: ", ")) }
            let epochs = try store.epochs(run: run.id)
            let seconds = epochs.compactMap(\.seconds).reduce(0, +)
            out.append("timing     created \(run.createdAt) UTC, ended \(run.endedAt ?? "-"); \(run.epochsDone)/\(run.epochsPlanned.map(String.init) ?? "?") epochs"
                + String(format: ", %.3f s of training", seconds))
            out.append("process    pid \(run.pid.map(String.init) ?? "?") on \(run.host ?? "?"), gradbook \(run.gradbookVersion)")
            let tags = try store.tags(run: run.id)
            if !tags.isEmpty { out.append("tags       " + tags.sorted { $0.key < $1.key }.map { $0.value.isEmpty ? $0.key : "\($0.key)=\($0.value)" }.joined(separator: ", ")) }
            for note in try store.notes(run: run.id) { out.append("note       \(note.created): \(note.text)") }
            let params = try store.params(run: run.id)
            out.append("")
            out.append("hyperparameters")
            out.append(Self.wrapped(params.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }))
            out.append("")
            out.append(contentsOf: metrics(epochs))
            out.append(contentsOf: try alerts())
            out.append(contentsOf: try layers())
            let snapshots = try store.snapshots(run: run.id)
            if !snapshots.isEmpty {
                out.append("")
                out.append("snapshots  " + snapshots.map { s in
                    let why = [s.initial ? "initial" : nil, s.every ? "every" : nil, s.best ? "best" : nil, s.final ? "final" : nil].compactMap { $0 }
                    return "epoch \(s.epoch) (\(why.joined(separator: ", ")))"
                }.joined(separator: ", "))
            }
            return out.joined(separator: "\n")
        }
    }

    /// Items on lines of at most `width` characters, indented by two spaces.
    static func wrapped(_ items: [String], width: Int = 96) -> String {
        guard !items.isEmpty else { return "  nothing" }
        var lines: [String] = [], line = " "
        for item in items {
            if line.count + item.count + 2 > width { lines.append(line); line = " " }
            line += " " + item
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }

    private func metrics(_ epochs: [EpochRecord]) -> [String] {
        guard let last = epochs.last else { return ["no epochs recorded"] }
        let series: [(String, KeyPath<EpochRecord, Double?>, Bool)] = [
            ("train_loss", \.trainLoss, false), ("test_loss", \.testLoss, false),
            ("train_accuracy", \.trainAccuracy, true), ("test_accuracy", \.testAccuracy, true),
        ]
        var rows: [[String]] = []
        for (name, path, higher) in series {
            let points = epochs.compactMap { e in e[keyPath: path].map { (e.epoch, $0) } }
            guard let best = higher ? points.max(by: { $0.1 < $1.1 }) : points.min(by: { $0.1 < $1.1 }) else { continue }
            rows.append([name, last[keyPath: path].map { String(format: "%.5g", $0) } ?? "-", String(format: "%.5g", best.1), "\(best.0)"])
        }
        var out = ["metrics at epoch \(last.epoch)", TableWriter.aligned(header: ["metric", "final", "best", "best epoch"], rows: rows)]
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

    private func alerts() throws -> [String] {
        let alerts = try store.alertSummary(run: run.id)
        guard !alerts.isEmpty else { return ["", "alerts     none"] }
        let rows = alerts.map { a in
            [a.kind, a.layer < 0 ? "run" : "\(a.layer + 1)", "\(a.first)", "\(a.last)", "\(a.epochs)", a.message]
        }
        return ["", "alerts", TableWriter.aligned(header: ["alert", "layer", "first epoch", "last epoch", "epochs", "first message"], rows: rows)]
    }

    private func layers() throws -> [String] {
        guard run.epochsDone > 0 else { return [] }
        let layers = try store.layerHealth(run: run.id, epoch: run.epochsDone)
        guard !layers.isEmpty else { return [] }
        func g(_ v: Double?) -> String { v.map { $0.isFinite ? String(format: "%.3g", $0) : "-" } ?? "-" }
        let rows = layers.map { l in
            ["\(l.layer + 1)", "\(l.units) \(l.activation)", g(l.gradNormMean), g(l.gradNormMax), g(l.weightNorm), g(l.updateRatio),
             g(l.actMean), g(l.actStd), l.deadUnits.map(String.init) ?? "-", g(l.saturatedFraction)]
        }
        return ["", "layer health at epoch \(run.epochsDone) (layer 1 = first hidden; the output layer last)",
                TableWriter.aligned(header: ["layer", "units", "grad norm", "grad max", "weight norm", "update ratio", "act mean",
                                             "act std", "dead", "saturated"], rows: rows)]
    }
}
