import Dispatch
import Foundation
import Synchronization
import Tracking

/// Writes epochs to the store on a background queue, so that the training thread only hands
/// the epoch over: on small networks an epoch takes about as long as a commit, and tracking
/// must not slow training down. Epochs that wait together are written in one transaction
/// (each whole; ``RunRecorder/recordEpochs(run:_:)``): a writer that fell behind a fast run
/// catches up with one commit for many epochs instead of one each.
///
/// A pass over what waits starts ``batchWindow`` seconds after the first item arrives, so that
/// a run's epochs are committed a few at a time rather than one by one: consecutive epochs
/// change the same last pages of each table, and a commit copies every page it changed into
/// the write-ahead log (and later into the database). ``drain()`` writes at once, and so does
/// a pass when half of ``maxPending`` waits.
///
/// Writes keep their order. A write that meets another command's lock (a large delete, a merge)
/// is tried again, the epochs behind it waiting in memory, until ``lockWait`` seconds have passed;
/// any other failed write is reported at the next ``enqueue(_:)`` or at ``drain()``. At most
/// ``maxPending`` epochs wait at once, so a slow disk slows training rather than filling memory.
final class EpochWriter: Sendable {
    static let maxPending = 64
    /// How long the first item waits for others to be written with it: a crash loses at most
    /// this much more of a run's last epochs.
    static let batchWindow = 0.025

    private let store: any RunRecorder
    private let run: Int64
    /// How long one write may keep meeting locks before the run fails.
    let lockWait: Double
    private let queue = DispatchQueue(label: "gradbook.epoch-writer")
    private let slots = DispatchSemaphore(value: maxPending)
    private let state = Mutex<State>(State())

    /// What waits to be written: an epoch (written with the epochs beside it), or another write.
    private enum Item: Sendable {
        case epoch(EpochRecord)
        case write(@Sendable (any RunRecorder) throws(StoreError) -> Void)
    }

    private struct State {
        var failure: StoreError?
        var seconds = 0.0
        var pending: [Item] = []
        /// Whether the queue has a pass over ``pending`` scheduled or running.
        var writing = false
    }

    init(store: any RunRecorder, run: Int64, lockWait: Double) {
        self.store = store
        self.run = run
        self.lockWait = lockWait
    }

    /// Queues one epoch for writing.
    /// - Throws: the error of an earlier write that failed.
    func enqueue(_ record: EpochRecord) throws(StoreError) {
        try enqueue(.epoch(record))
    }

    /// Queues a snapshot taken outside an epoch (the initial weights).
    func enqueue(_ snapshot: SnapshotRecord) throws(StoreError) {
        try enqueue { (store: any RunRecorder, run: Int64) throws(StoreError) in try store.recordSnapshot(run: run, snapshot) }
    }

    /// Queues the run's checkpoint (encoded), after the epochs queued before it.
    func enqueue(checkpoint state: Data, epoch: Int) throws(StoreError) {
        try enqueue { (store: any RunRecorder, run: Int64) throws(StoreError) in try store.recordCheckpoint(run: run, epoch: epoch, state: state) }
    }

    /// Queues a write of the run's, after what was queued before it.
    func enqueue(_ write: @escaping @Sendable (any RunRecorder, Int64) throws(StoreError) -> Void) throws(StoreError) {
        try enqueue(.write { [run] (store: any RunRecorder) throws(StoreError) in try write(store, run) })
    }

    private func enqueue(_ item: Item) throws(StoreError) {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        slots.wait()
        let (schedule, full) = state.withLock { s in
            s.pending.append(item)
            defer { s.writing = true }
            return (!s.writing, s.pending.count == Self.maxPending / 2)
        }
        if full {
            queue.async { [self] in writePending() }
        } else if schedule {
            queue.asyncAfter(deadline: .now() + Self.batchWindow) { [self] in writePending() }
        }
    }

    /// Writes what waits, oldest first, the epochs side by side in one call, until nothing does.
    private func writePending() {
        while true {
            let items: [Item] = state.withLock { s in
                guard !s.pending.isEmpty else { s.writing = false; return [] }
                defer { s.pending.removeAll(keepingCapacity: true) }
                return s.pending
            }
            if items.isEmpty { return }
            var i = 0
            while i < items.count {
                var epochs: [EpochRecord] = []
                while i < items.count, case .epoch(let e) = items[i] { epochs.append(e); i += 1 }
                if !epochs.isEmpty {
                    perform { [run] (store: any RunRecorder) throws(StoreError) in try store.recordEpochs(run: run, epochs) }
                } else if case .write(let write) = items[i] {
                    perform(write)
                    i += 1
                }
            }
            for _ in items { slots.signal() }
        }
    }

    /// One write, tried again while it meets locks; a failure is kept for the producer.
    private func perform(_ write: (any RunRecorder) throws(StoreError) -> Void) {
        guard state.withLock({ $0.failure }) == nil else { return }
        let start = DispatchTime.now().uptimeNanoseconds
        var pause = 0.01
        while true {
            do throws(StoreError) {
                try write(store)
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                state.withLock { $0.seconds += elapsed }
                return
            } catch {
                let waited = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                guard case .busy = error, waited < lockWait else {
                    state.withLock { $0.failure = error }
                    return
                }
                Thread.sleep(forTimeInterval: min(pause, max(0, lockWait - waited)))
                pause = min(pause * 2, 1)
            }
        }
    }

    /// Waits for every queued epoch to be written.
    /// - Returns: the time the writes took, in seconds.
    /// - Throws: the first write error, if any.
    @discardableResult
    func drain() throws(StoreError) -> Double {
        queue.sync { writePending() }
        let (failure, seconds) = state.withLock { ($0.failure, $0.seconds) }
        if let failure { throw failure }
        return seconds
    }
}
