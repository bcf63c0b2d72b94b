import Dispatch
import Tracking

/// Marks a run alive every few seconds from a background timer, independent of how long an
/// epoch takes, so that a stale heartbeat reliably means a dead process.
final class Heartbeat {
    private let timer: any DispatchSourceTimer

    init(store: any RunRecorder, run: Int64, interval: Double) {
        timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + interval, repeating: interval)
        // A failed beat is not fatal: the next epoch's write reports a real store problem.
        timer.setEventHandler { try? store.beat(run: run) }
        timer.resume()
    }

    func stop() { timer.cancel() }
}
