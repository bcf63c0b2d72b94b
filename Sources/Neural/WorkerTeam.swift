import Dispatch
import Foundation
import Synchronization

/// Threads that run one body together, each on its ``Share`` of the work: the caller as worker
/// 0 and `size − 1` threads of the team's own, made once with the engine that owns the team.
///
/// A ``Network`` asked for more than one thread splits each step between them (each layer's
/// units, on BLAS or in the fused loops; the batch's rows; the parameters' update) instead of
/// handing every product to OpenBLAS's threads: OpenBLAS splits only the products, so the rest
/// of a step (gathering the batch, the activations, the update) ran on one thread while the
/// other waited, and the fused loops not at all. The split is fixed by the shapes alone, so a
/// run on a team is bit-for-bit repeatable with itself (and, on fused layers, with one thread).
///
/// Between runs a worker spins briefly (a training step follows the last one within
/// microseconds), then sleeps until woken.
public final class WorkerTeam: @unchecked Sendable {
    /// Workers, the caller included.
    public let size: Int
    private let state: State

    /// A team of `size` workers (at least 1): `size − 1` threads are started now.
    init(size: Int) {
        self.size = max(1, size)
        state = State(size: self.size)
        for worker in 1..<self.size {
            let state = state
            let thread = Thread { state.serve(worker) }
            thread.name = "gradbook.worker-\(worker)"
            thread.start()
        }
    }

    deinit { state.stop() }

    /// Runs `body` on every worker at once, the caller as worker 0, and returns when all of them
    /// have finished it. `body` may call ``Share/barrier()``; every worker must make the same
    /// calls to it.
    ///
    /// Handing a closure made for the call to the other threads allocates its context once per
    /// run: a training step passes a closure made once (``run(made:)``) instead.
    func run(_ body: (Share) -> Void) {
        guard size > 1 else { return body(.whole) }
        withoutActuallyEscaping(body) { run(made: $0) }
    }

    /// ``run(_:)`` with a closure made once, beforehand: allocates nothing.
    func run(made body: @escaping (Share) -> Void) {
        guard size > 1 else { return body(.whole) }
        state.start(body)
        body(Share(worker: 0, workers: size, barrier: state.barrier))
        state.finish()
    }
}

/// One worker's part of a ``WorkerTeam/run(_:)``: which worker it is, what of a layer or a batch
/// is its own, and the barrier every worker waits at.
struct Share {
    let worker: Int
    let workers: Int
    let spinBarrier: SpinBarrier?

    init(worker: Int, workers: Int, barrier: SpinBarrier?) {
        self.worker = worker
        self.workers = workers
        spinBarrier = barrier
    }

    /// All of the work, on the calling thread.
    static let whole = Share(worker: 0, workers: 1, barrier: nil)

    /// Whether this worker does what only one worker does (the head, dropout, batch norm).
    var isFirst: Bool { worker == 0 }

    /// Waits until every worker has reached this point: what each wrote before is visible to all.
    func barrier() { spinBarrier?.wait() }

    /// This worker's part of `n` things shared out in contiguous parts that start at multiples
    /// of `unit`: about an equal part each, and the whole to the last worker when `n` is too
    /// small to give each one `unit` (the first has the head to run).
    func part(of n: Int, unit: Int = 1) -> Range<Int> {
        // One worker: everything, without the divisions (a small network's step asks per layer).
        guard workers > 1 else { return 0..<n }
        func bound(_ w: Int) -> Int { w >= workers ? n : n * w / workers / unit * unit }
        return bound(worker)..<bound(worker + 1)
    }

    /// This worker's columns of a layer `n` units wide, split at multiples of 16 (a cache line of
    /// floats) so that no two workers write one line of a row.
    func columns(of n: Int) -> Range<Int> { part(of: n, unit: 16) }

    /// Whether a layer of `units` gives each of `workers` some of its columns: a team is made
    /// only for a network with such a layer.
    static func splits(units: Int, between workers: Int) -> Bool {
        !Share(worker: 0, workers: workers, barrier: nil).columns(of: units).isEmpty
    }

    /// This worker's rows of a batch of `n`.
    func rows(of n: Int) -> Range<Int> { part(of: n) }

    /// Whether this worker's columns are the whole layer (one worker): the layer's loops then
    /// run as one call over every row.
    func hasWhole(_ columns: Range<Int>, of n: Int) -> Bool { columns.lowerBound == 0 && columns.upperBound == n }
}

/// A barrier for a fixed number of threads that spin while they wait (a step's phases last
/// microseconds: sleeping would cost more than the wait), yielding the processor after a while
/// so that a machine with fewer free cores than workers still makes progress.
final class SpinBarrier: Sendable {
    private let count: Int
    private let arrived = Atomic<Int>(0)
    private let phase = Atomic<Int>(0)

    init(count: Int) { self.count = count }

    func wait() {
        let current = phase.load(ordering: .acquiring)
        if arrived.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue == count {
            arrived.store(0, ordering: .relaxed)
            phase.store(current &+ 1, ordering: .releasing)
            return
        }
        spin { phase.load(ordering: .acquiring) == current }
    }
}

/// Spins while `waiting` holds, giving the processor up after a few thousand turns so that a
/// machine with fewer free cores than spinning threads still makes progress.
@inline(__always)
private func spin(while waiting: () -> Bool) {
    var spins = 0
    while waiting() {
        spins += 1
        if spins > 4_000 { sched_yield() }
    }
}

extension WorkerTeam {
    /// What the team's threads share; they hold this, not the team, so that the team's owner
    /// releasing it stops them.
    fileprivate final class State: @unchecked Sendable {
        let barrier: SpinBarrier
        /// The body of the current run: set before ``generation`` moves, cleared after every
        /// worker has finished it. Not an optional: a function in an optional is kept at the
        /// generic abstraction, and converting to it allocated a thunk at every run.
        var body: (Share) -> Void = State.idle
        static func idle(_: Share) {}
        /// Counts runs; a worker starts a run when it changes.
        let generation = Atomic<Int>(0)
        /// Workers (other than the caller) still in the current run.
        let running = Atomic<Int>(0)
        let stopping = Atomic<Bool>(false)
        let sleepers: [Sleeper]
        let size: Int

        /// A worker's bed: whether it sleeps, and what wakes it.
        final class Sleeper: Sendable {
            let asleep = Atomic<Bool>(false)
            let wake = DispatchSemaphore(value: 0)
        }

        init(size: Int) {
            self.size = size
            barrier = SpinBarrier(count: size)
            sleepers = (0..<size).map { _ in Sleeper() }
        }

        func start(_ body: @escaping (Share) -> Void) {
            self.body = body
            running.store(size - 1, ordering: .relaxed)
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
        }

        func finish() {
            spin { running.load(ordering: .acquiring) > 0 }
            body = State.idle
        }

        func stop() {
            stopping.store(true, ordering: .sequentiallyConsistent)
            generation.wrappingAdd(1, ordering: .sequentiallyConsistent)
            wakeSleepers()
        }

        private func wakeSleepers() {
            for sleeper in sleepers.dropFirst() where sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
                sleeper.wake.signal()
            }
        }

        /// A worker's loop: wait for a run, do its share, say so; until the team is released.
        func serve(_ worker: Int) {
            let sleeper = sleepers[worker]
            var seen = 0
            while true {
                seen = awaitRun(after: seen, sleeper)
                if stopping.load(ordering: .acquiring) { return }
                work(worker)
                running.wrappingSubtract(1, ordering: .releasing)
            }
        }

        @inline(never)
        private func work(_ worker: Int) {
            body(Share(worker: worker, workers: size, barrier: barrier))
        }

        /// The next run's generation: spins for about a tenth of a millisecond, then sleeps.
        private func awaitRun(after seen: Int, _ sleeper: Sleeper) -> Int {
            var spins = 0
            while true {
                let now = generation.load(ordering: .acquiring)
                if now != seen { return now }
                spins += 1
                if spins < 50_000 { continue }
                spins = 0
                sleeper.asleep.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) == seen {
                    sleeper.wake.wait()
                } else if !sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
                    // A waker took the flag and signals: take the signal, or a later sleep would
                    // find it and not sleep.
                    sleeper.wake.wait()
                }
            }
        }
    }
}
