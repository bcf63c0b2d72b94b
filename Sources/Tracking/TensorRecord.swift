import Foundation
public import GRDB

/// A tensor of a weight snapshot, as stored in `snapshot_tensors`: float32 values, row-major,
/// little-endian in a BLOB, with the shape as a JSON array.
public struct TensorRecord: Sendable, Equatable, FetchableRecord, PersistableRecord, PreparedInsert {
    public static let databaseTableName = "snapshot_tensors"

    static let columns: [InsertColumn<TensorRecord>] = [
        .init("run_id", { $0.runID }), .init("epoch", { $0.epoch }), .init("layer", { $0.layer }), .init("name", { $0.name }),
        .init("shape", { "[" + $0.shape.map(String.init).joined(separator: ",") + "]" }), .init("dtype", { _ in "float32" }),
        .init("data", { littleEndianBytes($0.values) }),
    ]
    /// A snapshot written again at the same epoch (a `final` that is also `best`) replaces its tensors.
    static let insertSQL = makeInsertSQL(replacing: true)

    /// The run and epoch; set by the store when the snapshot is recorded.
    public var runID: Int64 = 0
    public var epoch: Int = 0
    public var layer: Int
    /// `weight`, `bias`, `gamma`, `beta`, `running_mean`, `running_var`.
    public var name: String
    public var shape: [Int]
    public var values: [Float]

    public init(layer: Int, name: String, shape: [Int], values: [Float]) {
        self.layer = layer
        self.name = name
        self.shape = shape
        self.values = values
    }

    public init(row: Row) throws {
        runID = row["run_id"]
        epoch = row["epoch"]
        layer = row["layer"]
        name = row["name"]
        let shapeText: String = row["shape"]
        shape = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        values = floats(fromLittleEndian: row["data"])
    }

    public func encode(to container: inout PersistenceContainer) throws { encodeColumns(to: &container) }
}

/// float32 values as little-endian bytes (one copy on a little-endian machine).
func littleEndianBytes(_ values: [Float]) -> Data {
    #if _endian(little)
    return values.withUnsafeBytes { Data($0) }
    #else
    var data = Data(capacity: values.count * 4)
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
    return data
    #endif
}

/// float32 values from little-endian bytes.
func floats(fromLittleEndian data: Data) -> [Float] {
    data.withUnsafeBytes { raw in
        (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
}
