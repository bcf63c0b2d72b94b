import Foundation

/// A streaming reader of RFC 4180 CSV: quoted fields (with doubled quotes and line breaks
/// inside), LF, CRLF or CR line ends, and a UTF-8 byte-order mark are all accepted.
///
/// It reads the file in fixed-size chunks, so memory does not grow with the file; one record
/// may not exceed ``maxRecordBytes``.
public struct CSVReader: ~Copyable {
    /// The longest record accepted, in bytes, so a file without line breaks cannot exhaust memory.
    public static let maxRecordBytes = 16 << 20

    public let path: String
    /// The line on which the record last returned by ``nextRecord()`` starts (1-based).
    public private(set) var recordLine = 0

    private let file: UnsafeMutablePointer<FILE>
    private var buffer: [UInt8]
    private var position = 0
    private var filled = 0
    private var line = 1
    private var atStart = true

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
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit { fclose(file) }

    private mutating func nextByte() -> UInt8? {
        if position == filled {
            filled = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            position = 0
            if filled == 0 { return nil }
        }
        defer { position += 1 }
        return buffer[position]
    }

    private mutating func peekByte() -> UInt8? {
        guard let b = nextByte() else { return nil }
        position -= 1
        return b
    }

    /// The next record's fields, or `nil` at the end of the file. Blank lines are skipped.
    public mutating func nextRecord() throws(DatasetError) -> [String]? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false, quotedField = false, recordBytes = 0
        var column = 1
        if atStart {
            atStart = false
            if peekByte() == 0xEF {
                // Skip a UTF-8 byte-order mark (EF BB BF) if the file starts with one.
                _ = nextByte()
                guard nextByte() == 0xBB, nextByte() == 0xBF else {
                    throw .malformed(path: path, line: 1, column: 1, message: "the file is not UTF-8 text")
                }
            }
        }
        recordLine = line
        func finishField() throws(DatasetError) {
            guard let s = String(validating: field, as: UTF8.self) else {
                throw .malformed(path: path, line: recordLine, column: column, message: "field is not valid UTF-8 text")
            }
            fields.append(quotedField ? s : s.trimmingCharacters(in: .whitespaces))
            field.removeAll(keepingCapacity: true)
            quotedField = false
            column += 1
        }
        while true {
            guard let b = nextByte() else {
                if inQuotes {
                    throw .malformed(path: path, line: recordLine, column: column,
                                     message: "a quoted field is not closed before the end of the file")
                }
                if fields.isEmpty && field.isEmpty { return nil }
                try finishField()
                return fields
            }
            recordBytes += 1
            if recordBytes > Self.maxRecordBytes {
                throw .malformed(path: path, line: recordLine, column: column,
                                 message: "record longer than \(Self.maxRecordBytes >> 20) MiB; expected one line per sample")
            }
            if b == 0 {
                throw .malformed(path: path, line: line, column: column, message: "NUL byte in the file; expected text")
            }
            if inQuotes {
                if b == UInt8(ascii: "\"") {
                    if peekByte() == UInt8(ascii: "\"") { _ = nextByte(); field.append(b) } else { inQuotes = false }
                } else {
                    if b == UInt8(ascii: "\n") { line += 1 }
                    field.append(b)
                }
                continue
            }
            switch b {
            case UInt8(ascii: ","):
                try finishField()
            case UInt8(ascii: "\""):
                if field.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                    field.removeAll(keepingCapacity: true)
                    inQuotes = true
                    quotedField = true
                } else {
                    field.append(b)
                }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                if b == UInt8(ascii: "\r") && peekByte() == UInt8(ascii: "\n") { _ = nextByte() }
                line += 1
                if fields.isEmpty && field.isEmpty && !quotedField {
                    recordLine = line  // a blank line
                    recordBytes = 0
                    continue
                }
                try finishField()
                return fields
            default:
                field.append(b)
            }
        }
    }
}
