import Dispatch
import Foundation
import Synchronization
import Tracking

/// Writes a run to the store on a background queue, so that the training thread only hands
/// its writes over: on small networks an epoch takes about as long as a commit, and tracking
/// must not slow training down. Writes that wait together reach the store as one list
/// (``RunRecorder/record(run:_:)``, one transaction): a writer that fell behind a fast run
/// catches up with one commit for many epochs instead of one each, and a run's closing
/// snapshots, confusion and status are stored together or not at all.
///
/// A run not opened yet is made and opened on the queue as soon as the writer is made
/// (``init(store:opening:lockWait:queue:)``): its configuration is encoded and its parameters
/// and tags written while the first epoch trains, not before it. Opening does not wait out
/// another command's lock as writes do: a store locked past its busy timeout fails the run at
/// once, as it did before training.
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
/// ``maxPending`` writes wait at once, so a slow disk slows training rather than filling memory.
final class RunWriter: Sendable {
    static let maxPending = 64
    /// How long the first item waits for others to be written with it: a crash loses at most
    /// this much more of a run's last epochs.
    static let batchWindow = 0.025

    private let store: any RunRecorder
    /// What opens the run on the writer's queue before anything else, when it was not open
    /// already: made there too (the configuration's JSON and hyperparameters were a fifth of a
    /// millisecond of a small run's training thread).
    private let opening: (@Sendable () throws(StoreError) -> NewRun)?
    /// How long one write may keep meeting locks before the run fails.
    let lockWait: Double
    /// Where the writes are made: the writer's own, or one the runs writing the same store
    /// share (``Runner/writeQueue``).
    private let queue: DispatchQueue
    private let slots = DispatchSemaphore(value: maxPending)
    private let state = Mutex<State>(State())

    private struct State {
        /// The run's id, once it is open.
        var run: Int64?
        var failure: StoreError?
        var seconds = 0.0
        var pending: [Queued] = []
        /// Whether a pass over ``pending`` is scheduled (``batchWindow`` after the first item
        /// arrived) or running: only that pass clears it, so that the passes made at once (the
        /// opening's, a full queue's, ``drain()``'s) leave the schedule as it was.
        var writing = false
    }

    /// A write, or what makes one when its turn comes on the queue.
    private enum Queued: Sendable {
        case write(RunWrite)
        case made(@Sendable () -> RunWrite?)

        var write: RunWrite? {
            switch self {
            case .write(let write): write
            case .made(let make): make()
            }
        }
    }

    /// A writer for a run already open.
    init(store: any RunRecorder, run: Int64, lockWait: Double, queue: DispatchQueue? = nil) {
        self.store = store
        self.queue = queue ?? Self.ownQueue()
        opening = nil
        self.lockWait = lockWait
        state.withLock { $0.run = run }
    }

    /// A writer that opens the run `new` makes at once, on its queue, before the writes queued
    /// for it; an error `new` throws fails the run as a failed write does.
    init(store: any RunRecorder, opening new: @escaping @Sendable () throws(StoreError) -> NewRun, lockWait: Double,
         queue: DispatchQueue? = nil) {
        self.store = store
        self.queue = queue ?? Self.ownQueue()
        opening = new
        self.lockWait = lockWait
        // Then what queued meanwhile (the input transform, the initial weights): a short run's
        // close does not wait for them.
        self.queue.async { [self] in if openedRun() != nil { writePending(.once) } }
    }

    /// A queue for one run's writes.
    static func ownQueue() -> DispatchQueue { DispatchQueue(label: "gradbook.run-writer") }

    /// The run's id: `nil` until the queue opened it, and when opening it failed.
    var run: Int64? { state.withLock { $0.run } }

    /// Whether a write failed: training should stop, since nothing more can be stored.
    var failed: Bool { state.withLock { $0.failure != nil } }

    /// Queues one of the run's writes, after those queued before it.
    /// - Throws: the error of an earlier write that failed.
    func enqueue(_ item: RunWrite) throws(StoreError) {
        try enqueue([item])
    }

    /// Queues writes that reach the store in one call, whole (a run's closing writes), after
    /// those queued before them.
    /// - Throws: the error of an earlier write that failed.
    func enqueue(_ items: [RunWrite]) throws(StoreError) {
        try enqueue(count: items.count) { pending in
            for item in items { pending.append(.write(item)) }
        }
    }

    /// Queues a write that `make` makes on the queue, in its turn: what costs the training
    /// thread more than handing it over would (a run's input transform as JSON, a third of a
    /// millisecond for 64 standardised columns). `nil` writes nothing.
    /// - Throws: the error of an earlier write that failed.
    func enqueue(making make: @escaping @Sendable () -> RunWrite?) throws(StoreError) {
        try enqueue(count: 1) { $0.append(.made(make)) }
    }

    /// Queues the `count` writes `add` appends.
    private func enqueue(count: Int, _ add: (inout [Queued]) -> Void) throws(StoreError) {
        if let failure = state.withLock({ $0.failure }) { throw failure }
        for _ in 0..<count { slots.wait() }
        let (schedule, full) = state.withLock { s in
            let before = s.pending.count
            add(&s.pending)
            defer { s.writing = true }
            return (!s.writing, before < Self.maxPending / 2 && s.pending.count >= Self.maxPending / 2)
        }
        if schedule { queue.asyncAfter(deadline: .now() + Self.batchWindow) { [self] in writePending(.scheduled) } }
        if full { queue.async { [self] in writePending(.once) } }
    }

    /// What a pass over the waiting writes does once it has written them.
    private enum Pass {
        /// The pass ``batchWindow`` after a first write arrived: when writes arrived meanwhile,
        /// it passes again ``batchWindow`` later (at once if half of ``maxPending`` waits), and
        /// it ends the schedule when none did. Passing again at once whatever arrived made a
        /// writer that was behind commit a few epochs at a time: most of a tracked sweep's
        /// writing was commits of the same last pages.
        case scheduled
        /// One write of what waits now (the run just opened, or half of ``maxPending`` waits).
        case once
        /// ``drain()``'s: until nothing waits.
        case all
    }

    /// Writes what waits, oldest first, in one call; then as `pass` says.
    private func writePending(_ pass: Pass) {
        while true {
            let items: [Queued] = state.withLock { s in
                guard !s.pending.isEmpty else {
                    if pass == .scheduled { s.writing = false }
                    return []
                }
                defer { s.pending.removeAll(keepingCapacity: true) }
                return s.pending
            }
            if items.isEmpty { return }
            if let run = openedRun() {
                let writes = items.compactMap { $0.write }
                perform { (store: any RunRecorder) throws(StoreError) in try store.record(run: run, writes) }
            }
            for _ in items { slots.signal() }
            switch pass {
            case .all: continue
            case .once: return
            case .scheduled:
                let next: Bool? = state.withLock { s in
                    if s.pending.isEmpty { s.writing = false }
                    return s.pending.isEmpty ? nil : s.pending.count >= Self.maxPending / 2
                }
                switch next {
                case nil: return
                case true?: continue
                case false?:
                    queue.asyncAfter(deadline: .now() + Self.batchWindow) { [self] in writePending(.scheduled) }
                    return
                }
            }
        }
    }

    /// The run's id, opening the run first when this writer is to; `nil` when that failed.
    private func openedRun() -> Int64? {
        if let run = state.withLock({ $0.run }) { return run }
        guard let opening else { return nil }
        var opened: Int64?
        perform(waitingOutLocks: false) { (store: any RunRecorder) throws(StoreError) in opened = try store.startRun(opening()) }
        if let opened { state.withLock { $0.run = opened } }
        return opened
    }

    /// One write, tried again while it meets locks (unless told not to); a failure is kept for
    /// the producer.
    private func perform(waitingOutLocks: Bool = true, _ write: (any RunRecorder) throws(StoreError) -> Void) {
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
                guard case .busy = error, waitingOutLocks, waited < lockWait else {
                    state.withLock { $0.failure = error }
                    return
                }
                Thread.sleep(forTimeInterval: min(pause, max(0, lockWait - waited)))
                pause = min(pause * 2, 1)
            }
        }
    }

    /// Waits for every queued write to be stored (and the run to be open).
    /// - Returns: the run's id and the time the writes took, in seconds.
    /// - Throws: the first write error, if any.
    @discardableResult
    func drain() throws(StoreError) -> (run: Int64, seconds: Double) {
        let run = queue.sync { writePending(.all); return openedRun() }
        let (failure, seconds) = state.withLock { ($0.failure, $0.seconds) }
        if let failure { throw failure }
        // Opening fails only with an error, thrown above.
        return (run!, seconds)
    }
}
