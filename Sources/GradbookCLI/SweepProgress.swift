import Experiments
import Foundation
import Synchronization
import Tracking

/// Progress of a sweep on stderr: on a terminal one redrawn line (done/total, running,
/// failures, best so far, ETA); otherwise one line per finished run.
final class SweepProgress: Sendable {
    private struct State {
        var done = 0, running = 0, failed = 0
        /// The best run so far: chosen by its selecting value, shown by its value.
        var best: (value: Double, selecting: Double, index: Int)?
    }

    private let sweep: StoredSweep
    private let total: Int
    private let start = Date()
    private let terminal = isatty(STDERR_FILENO) == 1
    private let state = Mutex(State())

    init(sweep: StoredSweep, total: Int) {
        self.sweep = sweep
        self.total = total
    }

    func handle(_ event: SweepRunner.Event) {
        let line: String? = state.withLock { s in
            switch event {
            case .started:
                s.running += 1
                return nil
            case let .finished(index, run, status, value, selecting, on):
                s.running -= 1
                s.done += 1
                if status == .failed { s.failed += 1 }
                if let value, let selecting, s.best.map({ sweep.goal.improves(selecting, on: $0.selecting) }) ?? true {
                    s.best = (value, selecting, index)
                }
                let metric = value.map { v in
                    on == nil || on == sweep.metric ? String(format: "best %@ %.4g", sweep.metric, v)
                        : String(format: "%@ %.4g at its best %@", sweep.metric, v, on!)
                } ?? "no \(sweep.metric)"
                return "[\(s.done)/\(total)] run \(run) (#\(index)): \(status.rawValue), \(metric)"
            case let .failed(index, message):
                s.running -= 1
                s.done += 1
                s.failed += 1
                return "[\(s.done)/\(total)] #\(index) failed: \(message)"
            case let .skipped(index):
                s.running -= 1
                s.done += 1
                return "[\(s.done)/\(total)] #\(index): trained by another process; skipped"
            case let .together(indices):
                return "train together (lockstep): " + indices.map { "#\($0)" }.joined(separator: ", ")
            }
        }
        if terminal {
            draw()
        } else if let line {
            Console.error(line)
        }
    }

    private func draw() {
        let s = state.withLock { $0 }
        let elapsed = Date().timeIntervalSince(start)
        let eta = s.done > 0 ? elapsed / Double(s.done) * Double(total - s.done) : 0
        let best = s.best.map { String(format: "best %@ %.4g (#%d)", sweep.metric, $0.value, $0.index) } ?? ""
        let line = String(format: "\r%@: %d/%d done, %d running, %d failed  %@  ETA %.0fs\u{1B}[K",
                          sweep.name, s.done, total, s.running, s.failed, best, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
