import Dispatch
import Foundation
import Synchronization

/// Turns SIGINT and SIGTERM into a flag the training loop polls between steps, so a run can
/// finish its bookkeeping (finish a short epoch in progress or drop a long one, close the run)
/// before the process exits.
final class SignalTrap: Sendable {
    private let received = Atomic<Int32>(0)
    private nonisolated(unsafe) var sources: [any DispatchSourceSignal] = []

    /// Starts catching SIGINT and SIGTERM.
    init() {
        for signo in [SIGINT, SIGTERM] {
            ignore(signo)
            let source = DispatchSource.makeSignalSource(signal: signo, queue: .global())
            // The trap lives as long as the process; the handler may keep it.
            source.setEventHandler { self.received.store(signo, ordering: .relaxed) }
            source.resume()
            sources.append(source)
        }
    }

    /// The signal caught, or 0.
    var signal: Int32 { received.load(ordering: .relaxed) }

    /// The exit status for the signal caught: 130 for SIGINT, 143 for SIGTERM.
    var exitStatus: ExitStatus { signal == SIGTERM ? .terminated : .interrupted }
}

/// `signal(signo, SIG_IGN)`: inside ``SignalTrap`` its own `signal` hides the C function, and
/// naming the C library's module (`Glibc`, `Darwin`) would tie the file to one platform.
private func ignore(_ signo: Int32) {
    _ = signal(signo, SIG_IGN)
}
