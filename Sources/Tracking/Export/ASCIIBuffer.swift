/// Bytes written at a cursor into memory the buffer owns and grows: a separator, a cell's
/// digits or its text cost a copy each, without an array's checks of uniqueness and capacity
/// on every byte (a long export writes tens of millions of them).
///
/// `Double.write(to:)` fills it from its digit buffer (``_writeASCII(_:)``), not through a String.
final class ASCIIBuffer: TextOutputStream {
    private var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    /// Bytes written since the buffer was made or emptied.
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = max(capacity, 32)
        base = .allocate(capacity: self.capacity)
    }

    deinit { base.deallocate() }

    /// The bytes written, valid until the next write.
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    /// Forgets what was written, keeping the memory.
    func removeAll() { count = 0 }

    /// Room for `n` more bytes.
    @inline(__always)
    private func reserve(_ n: Int) {
        if count + n > capacity { grow(to: count + n) }
    }

    private func grow(to needed: Int) {
        let larger = max(needed, 2 * capacity)
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: base, count: count)
        base.deallocate()
        (base, capacity) = (moved, larger)
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        reserve(1)
        base[count] = byte
        count += 1
    }

    func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let start = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (base + count).initialize(from: start, count: bytes.count)
        count += bytes.count
    }

    func append(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer(append) }

    func write(_ string: String) {
        var string = string
        string.withUTF8(append)
    }

    /// The standard library's hook for ASCII text (a float's digits): a copy, no String.
    func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { append(buffer) }

    /// An integer's decimal digits, written in place.
    func decimal(_ value: Int64) {
        var magnitude = value.magnitude, digits = 1
        while magnitude >= 10 { magnitude /= 10; digits += 1 }
        let sign = value < 0 ? 1 : 0
        reserve(sign + digits)
        if sign == 1 { base[count] = UInt8(ascii: "-") }
        var i = count + sign + digits
        magnitude = value.magnitude
        repeat {
            i -= 1
            base[i] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        count += sign + digits
    }

    /// A number in its shortest form that reads back to the same value (Swift's `description`,
    /// written from its digits without a String; `inf`, `-inf`, `nan` as pandas reads them);
    /// NULL is nothing.
    func number(_ cell: Cell) {
        switch cell {
        case .integer(let v): decimal(v)
        case .real(let v):
            var target = self
            v.write(to: &target)
        case .null, .text: break
        }
    }
}
