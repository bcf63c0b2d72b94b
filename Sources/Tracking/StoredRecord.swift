public import GRDB
import Synchronization

/// A row of one of Gradbook's tables as a GRDB record: `Codable` properties in camel case,
/// columns in snake case (`runID` ↔ `run_id`, `gradNormMean` ↔ `grad_norm_mean`).
///
/// The records are public so another program can read a store with GRDB directly
/// (`try LayerHealthRecord.fetchAll(db)`); the store's own connections are not.
public protocol StoredRecord: Codable, FetchableRecord, PersistableRecord {}

extension StoredRecord {
    public static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .custom(ColumnKey.init(column:)) }
    public static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .custom(SnakeCase.column(for:)) }
}

/// GRDB's `convertToSnakeCase` (Foundation's rule: `runID` → `run_id`, `gradNormMean` →
/// `grad_norm_mean`, `URLName` → `url_name`), memoised: converting every key of every row
/// anew was a third of a tracked small network's time (Benchmarks/README.md, "Engines").
enum SnakeCase {
    private static let columns = Mutex<[String: String]>([:])

    @Sendable static func column(for key: any CodingKey) -> String {
        let name = key.stringValue
        if let known = columns.withLock({ $0[name] }) { return known }
        let column = convert(name)
        columns.withLock { $0[name] = column }
        return column
    }

    /// Words start at a lower-to-upper change, and at the last capital of a run of capitals
    /// followed by a lower-case letter; they are lower-cased and joined by `_`.
    static func convert(_ name: String) -> String {
        let characters = Array(name)
        var words: [String] = [], word = ""
        for (i, c) in characters.enumerated() {
            let previous = i > 0 ? characters[i - 1] : nil, next = i + 1 < characters.count ? characters[i + 1] : nil
            let startsWord = c.isUppercase && previous != nil
                && (previous!.isLowercase || previous!.isNumber || (previous!.isUppercase && next?.isLowercase == true))
            if startsWord, !word.isEmpty { words.append(word); word = "" }
            word.append(c)
        }
        if !word.isEmpty { words.append(word) }
        return words.map { $0.lowercased() }.joined(separator: "_")
    }
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
