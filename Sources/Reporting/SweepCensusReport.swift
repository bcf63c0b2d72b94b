import Foundation
public import Tracking

/// `gradbook sweep status`: how many configurations are done, per slice when the sweep ran as an
/// array job, which are not, and the `--array=` list that submits exactly those tasks again.
public struct SweepCensusReport {
    public let census: SweepCensus
    /// The store the shards are merged into, for the resume hint.
    public let store: String?

    public init(_ census: SweepCensus, store: String?) {
        self.census = census
        self.store = store
    }

    public var text: String {
        let states = SweepCensus.State.allCases
        let counts = census.counts
        var lines = ["sweep \(census.sweep): \(census.configurations) configurations"
            + (census.slices.map { " in \($0) slices" } ?? "") + "; "
            + states.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")]
        if let slices = census.slices {
            let rows = (1...slices).map { index -> [String] in
                let slice = SweepSlice(index: index, count: slices)
                let mine = census.states.indices.filter(slice.contains).map { census.states[$0] }
                let file = census.files.first { $0.slice == slice }?.path ?? "-"
                return ["\(slice)", file] + states.map { s in "\(mine.filter { $0 == s }.count)" }
            }
            lines.append("")
            lines.append(TableWriter.aligned(header: ["slice", "shard file"] + states.map(\.rawValue), rows: rows))
        }
        let notDone = census.states.indices.filter { !census.states[$0].isDone && census.states[$0] != .running }
        guard !notDone.isEmpty else {
            let running = census.configurations(in: .running).count
            lines.append(running == 0 ? "every configuration is done" : "\(running) still running; nothing to submit again")
            return lines.joined(separator: "\n")
        }
        let shown = notDone.prefix(24).map { "#\($0) (\(census.states[$0].rawValue))" }.joined(separator: ", ")
        lines.append("")
        lines.append("not done: " + shown + (notDone.count > 24 ? ", … (\(notDone.count) in all)" : ""))
        let resubmit = census.slicesToResubmit()
        if !resubmit.isEmpty {
            lines.append("submit again: sbatch --array=\(resubmit.map(String.init).joined(separator: ",")) JOB.sbatch")
        } else if census.slices == nil {
            lines.append("resume: gradbook sweep --resume \(Shell.quoted(census.sweep))" + (store.map { " --db \(Shell.quoted($0))" } ?? ""))
        }
        let failed = census.slicesToResubmit(retryFailed: true).filter { !resubmit.contains($0) }
        if !failed.isEmpty || (census.slices == nil && !census.configurations(in: .failed).isEmpty) {
            lines.append("failed runs are trained again only with --retry-failed"
                + (failed.isEmpty ? "" : " (slices \(failed.map(String.init).joined(separator: ",")))"))
        }
        return lines.joined(separator: "\n")
    }
}
