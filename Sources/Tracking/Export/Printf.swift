import Foundation

/// A number as the C library's `snprintf` writes it — what `String(format:)` gives here (the
/// C locale: a point for decimals) without Foundation's trip through `NSString`, which was most
/// of `gradbook runs`' time on a large store (perf, 10,000 runs: `String(format:)`, NSString
/// padding and replacing, 40 % of the command).
///
/// The format is a literal, so no text a user typed can ever become one; numbers are written in
/// the C locale (a point for decimals) whatever locale the process was set to, as
/// `String(format:)` wrote them.
public enum Printf {
    /// The C locale's numbers, made once.
    private nonisolated(unsafe) static let numbers = newlocale(LC_NUMERIC_MASK, "C", nil)

    /// `value` formatted by `format` (one floating-point conversion: `%.5g`, `%.3f`, …).
    public static func format(_ format: StaticString, _ value: Double) -> String {
        // Most numbers fit in 64 bytes; `%f` of a huge one is told how long it is and written again.
        let written = write(format, value, capacity: 64)
        return written.text ?? write(format, value, capacity: written.length + 1).text ?? ""
    }

    /// The text, if it fit in `capacity` bytes (its terminating zero included), and its length.
    private static func write(_ format: StaticString, _ value: Double, capacity: Int) -> (text: String?, length: Int) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: capacity) { buffer in
            let previous = uselocale(numbers)
            defer { uselocale(previous) }
            let length = Int(withVaList([value]) { arguments in
                format.utf8Start.withMemoryRebound(to: CChar.self, capacity: format.utf8CodeUnitCount + 1) {
                    vsnprintf(buffer.baseAddress, buffer.count, $0, arguments)
                }
            })
            guard length >= 0, length < buffer.count else { return (nil, max(length, 0)) }
            return (String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress, count: length), as: UTF8.self), length)
        }
    }
}
