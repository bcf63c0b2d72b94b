import Foundation

/// A streaming reader of RFC 4180 CSV: quoted fields (with doubled quotes and line breaks
/// inside), LF, CRLF or CR line ends, and a UTF-8 byte-order mark are all accepted.
///
/// It reads the file in fixed-size chunks and keeps one record at a time, so memory does not
/// grow with the file; one record may not exceed ``maxRecordBytes``. Fields are kept as bytes
/// and turned into numbers without making strings, which keeps large files fast.
public struct CSVReader: ~Copyable {
    /// The longest record accepted, in bytes, so a file without line breaks cannot exhaust memory.
    public static let maxRecordBytes = 16 << 20

    public let path: String
    /// The line on which the current record starts (1-based).
    public private(set) var recordLine = 0

    private let file: UnsafeMutablePointer<FILE>
    private let buffer: UnsafeMutableBufferPointer<UInt8>
    private var position = 0
    private var filled = 0
    private var line = 1
    private var atStart = true
    private var endOfFile = false
    /// The current record: its bytes, and each field's range in them.
    private var bytes: [UInt8] = []
    private var fields: [Range<Int>] = []
    private var scratch = [CChar](repeating: 0, count: 64)

    /// Opens `path` for reading.
    public init(path: String, chunkSize: Int = 1 << 16) throws(DatasetError) {
        self.path = path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .unreadable(path: path, reason: "it is a directory, expected a CSV file")
        }
        guard let f = fopen(path, "rb") else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        file = f
        buffer = .allocate(capacity: chunkSize)
    }

    deinit {
        fclose(file)
        buffer.deallocate()
    }

    /// The number of fields in the current record.
    public var fieldCount: Int { fields.count }

    /// Field `i` of the current record as text.
    public func string(at i: Int) throws(DatasetError) -> String {
        guard let s = String(validating: bytes[fields[i]], as: UTF8.self) else {
            throw .malformed(path: path, line: recordLine, column: i + 1, message: "field is not valid UTF-8 text")
        }
        return s
    }

    /// Field `i` as a finite number, or `nil` when it is anything else (empty, text, NaN, ∞).
    public mutating func float(at i: Int) -> Float? {
        let range = fields[i]
        guard !range.isEmpty, range.count < 63 else {
            return range.count >= 63 ? (try? string(at: i)).flatMap { Float($0) }.flatMap { $0.isFinite ? $0 : nil } : nil
        }
        for (k, b) in bytes[range].enumerated() { scratch[k] = CChar(bitPattern: b) }
        scratch[range.count] = 0
        return scratch.withUnsafeBufferPointer { p -> Float? in
            var end: UnsafeMutablePointer<CChar>?
            let v = strtof(p.baseAddress!, &end)
            guard let end, end - UnsafeMutablePointer(mutating: p.baseAddress!) == range.count, v.isFinite else { return nil }
            return v
        }
    }

    /// Reads the next record and returns its fields as text, or `nil` at the end of the file.
    public mutating func nextRecord() throws(DatasetError) -> [String]? {
        guard try advance() else { return nil }
        var out: [String] = []
        for i in 0..<fieldCount { out.append(try string(at: i)) }
        return out
    }

    /// Moves to the next record; `false` at the end of the file. Blank lines are skipped.
    public mutating func advance() throws(DatasetError) -> Bool {
        if atStart {
            atStart = false
            try skipByteOrderMark()
        }
        bytes.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        var fieldStart = 0, inQuotes = false, quoted = false
        recordLine = line
        while true {
            guard let b = nextByte() else {
                if inQuotes {
                    throw .malformed(path: path, line: recordLine, column: fields.count + 1,
                                     message: "a quoted field is not closed before the end of the file")
                }
                if fields.isEmpty && bytes.isEmpty && !quoted { return false }
                endField(from: fieldStart, quoted: quoted)
                return true
            }
            if b == 0 {
                throw .malformed(path: path, line: line, column: fields.count + 1, message: "NUL byte in the file; expected text")
            }
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if peekByte() == UInt8(ascii: "\"") { position += 1; bytes.append(b) } else { inQuotes = false }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    bytes.append(b)
                }
            } else {
                switch b {
                case UInt8(ascii: ","):
                    endField(from: fieldStart, quoted: quoted)
                    fieldStart = bytes.count
                    quoted = false
                case UInt8(ascii: "\"") where bytes[fieldStart...].allSatisfy(isBlank):
                    bytes.removeSubrange(fieldStart...)
                    inQuotes = true
                    quoted = true
                case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                    if b == UInt8(ascii: "\r") && peekByte() == UInt8(ascii: "\n") { position += 1 }
                    line += 1
                    if fields.isEmpty && bytes.isEmpty && !quoted {
                        recordLine = line  // a blank line
                        continue
                    }
                    endField(from: fieldStart, quoted: quoted)
                    return true
                default:
                    bytes.append(b)
                }
            }
            if bytes.count > Self.maxRecordBytes {
                throw .malformed(path: path, line: recordLine, column: fields.count + 1,
                                 message: "record longer than \(Self.maxRecordBytes >> 20) MiB; expected one line per sample")
            }
        }
    }

    /// Closes the field that began at `start`, trimming blanks around unquoted text.
    private mutating func endField(from start: Int, quoted: Bool) {
        var lower = start, upper = bytes.count
        if !quoted {
            while lower < upper && isBlank(bytes[lower]) { lower += 1 }
            while upper > lower && isBlank(bytes[upper - 1]) { upper -= 1 }
        }
        fields.append(lower..<upper)
    }

    private mutating func skipByteOrderMark() throws(DatasetError) {
        guard peekByte() == 0xEF else { return }
        position += 1
        guard nextByte() == 0xBB, nextByte() == 0xBF else {
            throw .malformed(path: path, line: 1, column: 1, message: "the file is not UTF-8 text")
        }
    }

    @inline(__always)
    private mutating func nextByte() -> UInt8? {
        if position == filled {
            guard refill() else { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    @inline(__always)
    private mutating func peekByte() -> UInt8? {
        if position == filled {
            guard refill() else { return nil }
        }
        return buffer[position]
    }

    private mutating func refill() -> Bool {
        guard !endOfFile else { return false }
        filled = fread(buffer.baseAddress, 1, buffer.count, file)
        position = 0
        if filled == 0 { endOfFile = true }
        return filled > 0
    }
}

@inline(__always)
private func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
