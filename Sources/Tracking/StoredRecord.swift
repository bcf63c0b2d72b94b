public import GRDB

/// A row of one of Gradbook's tables as a GRDB record: `Codable` properties in camel case,
/// columns in snake case (`runID` ↔ `run_id`, `gradNormMean` ↔ `grad_norm_mean`).
///
/// The records are public so another program can read a store with GRDB directly
/// (`try LayerHealthRecord.fetchAll(db)`); the store's own connections are not.
public protocol StoredRecord: Codable, FetchableRecord, PersistableRecord {}

extension StoredRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .custom(ColumnKey.init(column:)) }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

/// The coding key of a snake-case column: `run_id` → `runID`, `grad_norm_mean` → `gradNormMean`
/// (a word `id` is written `ID`, as Swift names write it).
struct ColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }

    init(column: String) {
        let words = column.split(separator: "_", omittingEmptySubsequences: true)
        guard let first = words.first else {
            stringValue = column
            return
        }
        stringValue = String(first) + words.dropFirst().map { $0 == "id" ? "ID" : $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
