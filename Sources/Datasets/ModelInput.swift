import Foundation

/// A CSV file read as a stored model's input (``InputTransform``): its columns found by name, in
/// any order, the labels mapped to the run's own classes, and every record kept as written so
/// that predictions can be printed beside them.
public struct ModelInput: Sendable {
    /// The file's header and records, as written.
    public let header: [String]
    public let records: [[String]]
    /// The raw input columns in the transform's order, with the labels when the file has the
    /// label column (zeros otherwise; see ``hasLabels``).
    public let raw: Dataset
    public let hasLabels: Bool

    /// Reads `path` for `transform`.
    /// - Throws: ``DatasetError`` naming the file, line and column: a missing input column (with
    ///   the ones expected), a value that is not a finite number, a label that is not one of the
    ///   run's classes, more values than `maxValues`.
    public init(path: String, for transform: InputTransform, maxValues: Int = .max) throws(DatasetError) {
        var reader = try CSVReader(path: path)
        guard let header = try reader.nextRecord() else { throw .empty(path: path) }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var columns: [Int] = []
        for column in transform.columns {
            guard let i = names.firstIndex(of: column) else {
                throw .malformed(path: path, line: 1, column: nil, message: "no column '\(column)'; the run's inputs are "
                    + transform.columns.map { "'\($0)'" }.joined(separator: ", ") + " (the header has "
                    + names.prefix(20).map { "'\($0)'" }.joined(separator: ", ") + (names.count > 20 ? ", …" : "") + ")")
            }
            columns.append(i)
        }
        let labelColumn = names.firstIndex(of: transform.label).flatMap { columns.contains($0) ? nil : $0 }
        let classIndex = Dictionary(transform.classes.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var features: [Float] = [], classes: [Int] = [], values: [Float] = [], records: [[String]] = []
        while try reader.advance() {
            guard features.count + records.count * header.count <= maxValues else { throw .tooLarge(path: path, limit: maxValues) }
            guard reader.fieldCount == header.count else {
                throw .malformed(path: path, line: reader.recordLine, column: nil,
                                 message: "expected \(header.count) fields as in the header, found \(reader.fieldCount)")
            }
            for j in columns {
                if let v = reader.float(at: j) {
                    features.append(v)
                } else if transform.fill != nil, MissingValues.isMissing(try reader.string(at: j)) {
                    features.append(.nan)   // filled with the training mean by the transform
                } else {
                    let cell = try reader.string(at: j)
                    throw .malformed(path: path, line: reader.recordLine, column: j + 1,
                                     message: "column '\(names[j])' holds '\(cell.prefix(40))'; expected a finite number"
                                        + (MissingValues.isMissing(cell) ? " (the run was trained without --missing mean, so it has no value to fill in)" : ""))
                }
            }
            if let labelColumn {
                let cell = try reader.string(at: labelColumn).trimmingCharacters(in: .whitespaces)
                if transform.task.isClassification {
                    // Numeric labels match by value (`1.0` is class `1`), text labels by name.
                    let key = classIndex[cell] != nil ? cell : Double(cell).flatMap { v in transform.classes.first { Double($0) == v } }
                    guard let key, let c = classIndex[key] else {
                        throw .malformed(path: path, line: reader.recordLine, column: labelColumn + 1,
                                         message: "label '\(cell.prefix(40))' is not one of the run's classes ("
                                            + transform.classes.prefix(20).joined(separator: ", ") + (transform.classes.count > 20 ? ", …" : "") + ")")
                    }
                    classes.append(c)
                } else {
                    guard let v = reader.float(at: labelColumn) else {
                        throw .malformed(path: path, line: reader.recordLine, column: labelColumn + 1,
                                         message: "label column '\(transform.label)' holds '\(cell.prefix(40))'; expected a finite number")
                    }
                    values.append(v)
                }
            }
            records.append(try (0..<header.count).map { j throws(DatasetError) in try reader.string(at: j) })
        }
        guard !records.isEmpty else { throw .empty(path: path) }
        self.header = header
        self.records = records
        hasLabels = labelColumn != nil
        let n = records.count, d = transform.columns.count
        switch transform.task {
        case .binary, .multiclass:
            let count = transform.task == .binary ? 2 : transform.task.outputCount
            raw = Dataset(features: features, featureCount: d, classIndices: labelColumn == nil ? Array(repeating: 0, count: n) : classes,
                          classCount: count, featureNames: transform.columns, classNames: transform.classes)
        case .regression(let outputs):
            raw = Dataset(features: features, targets: labelColumn == nil ? Array(repeating: 0, count: n * outputs) : values,
                          featureCount: d, task: transform.task, featureNames: transform.columns)
        case .multilabel(let labels):
            raw = Dataset(features: features, targets: Array(repeating: 0, count: n * labels), featureCount: d, task: transform.task,
                          featureNames: transform.columns)
        }
    }
}
