import Dispatch
import Synchronization

/// A read started on another thread, waited for when its result is needed: a long export reads
/// its next batch of runs from the store while this thread writes the last one out, so reading
/// and formatting, each about half of the work, take two cores instead of one after the other.
final class Prefetch<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Value, StoreError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    /// Starts `read` at once on a global queue.
    init(_ read: @escaping @Sendable () throws(StoreError) -> Value) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let outcome = Result { () throws(StoreError) -> Value in try read() }
            result.withLock { $0 = outcome }
            done.signal()
        }
    }

    /// The read's value, or the error it threw; waits for the read to end.
    func value() throws(StoreError) -> Value {
        done.wait()
        defer { done.signal() }   // a second call returns at once
        return try result.withLock { $0! }.get()
    }
}
