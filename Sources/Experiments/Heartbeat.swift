import Dispatch
import Tracking

/// Marks a run alive every few seconds from a background timer, independent of how long an
/// epoch takes, so that a stale heartbeat reliably means a dead process.
final class Heartbeat {
    private let timer: any DispatchSourceTimer

    /// Beats for the run `run()` names, once it names one (a run opened by its writer has an
    /// id only after the writer's first pass).
    init(store: any RunRecorder, run: @escaping @Sendable () -> Int64?, interval: Double) {
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        // A failed beat is not fatal: the next epoch's write reports a real store problem.
        timer.setEventHandler { if let run = run() { try? store.beat(run: run) } }
        timer.resume()
    }

    func stop() { timer.cancel() }
}
