import Foundation

/// Loads a data set from a CSV file with a header row: numeric feature columns and one label
/// column, chosen by name (the last column by default).
public enum CSVDataset {
    /// How to read the label column.
    public enum LabelKind: String, Sendable, Codable, CaseIterable {
        /// Classes when any label is not a number, or when every label is an integer and there
        /// are at most ``CSVDataset/maxAutoClasses`` distinct ones; real values otherwise.
        case auto
        case classification
        case regression
    }

    /// The most distinct integer labels that `auto` still reads as classes.
    public static let maxAutoClasses = 20
    /// The most distinct classes accepted at all.
    public static let maxClasses = 10_000

    /// Reads `path`, streaming: memory grows with the number of values kept, not with the
    /// size of the file.
    ///
    /// Class names are sorted (numerically when they are all numbers) and mapped to indices in
    /// that order; ``Dataset/classNames`` keeps the mapping.
    /// - Parameters:
    ///   - columns: the input columns (every one but the label by default).
    ///   - missing: what an empty or `NA` cell does; with ``MissingValues/mean`` the returned
    ///     features hold `NaN` where a value is missing, to be filled once the training part is known.
    ///   - maxValues: the most feature and label values kept before the file is refused.
    public static func load(path: String, label: String? = nil, kind: LabelKind = .auto, columns: ColumnChoice = .all,
                            missing: MissingValues = .error, maxValues: Int = .max) throws(DatasetError) -> Dataset {
        var reader = try CSVReader(path: path)
        guard let header = try reader.nextRecord() else { throw .empty(path: path) }
        var seen: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else {
                throw .malformed(path: path, line: 1, column: i + 1, message: "column \(i + 1) of the header has no name; expected a name for every column")
            }
            if let first = seen[trimmed] {
                throw .malformed(path: path, line: 1, column: i + 1, message: "column name '\(trimmed)' is also column \(first + 1); expected distinct names")
            }
            seen[trimmed] = i
        }
        let labelColumn: Int
        if let label {
            guard let i = header.firstIndex(of: label) else {
                throw .missingLabelColumn(path: path, label: label, columns: header)
            }
            labelColumn = i
        } else {
            labelColumn = header.count - 1
        }
        guard header.count >= 2 else {
            throw .malformed(path: path, line: 1, column: nil,
                             message: "the header has \(header.count) column; expected at least one feature column and a label column")
        }
        let inputColumns = try columns.positions(in: header, label: labelColumn, path: path)
        let featureNames = inputColumns.map { header[$0] }
        var dropped = 0, filled = 0
        var features: [Float] = []
        var labelValues: [Double] = []
        var labelCodes: [Int32] = []
        var codes: [String: Int32] = [:]
        var names: [String] = []
        var allNumeric = true, allIntegers = true
        while try reader.advance() {
            guard features.count + labelValues.count + header.count <= maxValues else {
                throw .tooLarge(path: path, limit: maxValues)
            }
            guard reader.fieldCount == header.count else {
                throw .malformed(path: path, line: reader.recordLine, column: nil,
                                 message: "expected \(header.count) fields as in the header, found \(reader.fieldCount)")
            }
            let rowStart = features.count
            var keep = true
            for j in inputColumns {
                if let v = reader.float(at: j) {
                    features.append(v)
                    continue
                }
                let cell = try reader.string(at: j)
                if MissingValues.isMissing(cell) {
                    switch missing {
                    case .error:
                        throw .malformed(path: path, line: reader.recordLine, column: j + 1,
                                         message: "column '\(header[j])' has no value ('\(cell.prefix(40))'); expected a number, "
                                            + "or --missing drop (leave such rows out) or --missing mean (fill with the training mean)")
                    case .drop: keep = false
                    case .mean: filled += 1
                    }
                    features.append(.nan)
                    continue
                }
                let beyond = Double(cell).map { $0.isFinite && abs($0) > Double(Float.greatestFiniteMagnitude) } ?? false
                throw .malformed(path: path, line: reader.recordLine, column: j + 1, message: beyond
                    ? "column '\(header[j])' holds \(cell.prefix(40)), beyond the range of 32-bit floats (±3.4e38); expected a smaller number"
                    : "column '\(header[j])' holds '\(cell.prefix(40))'; expected a finite number"
                        + (Double(cell) == nil ? " (a text column? leave it out with --drop '\(header[j])', or choose inputs with --columns)" : ""))
            }
            let cell = try reader.string(at: labelColumn)
            if MissingValues.isMissing(cell) {
                guard missing != .error else {
                    throw .malformed(path: path, line: reader.recordLine, column: labelColumn + 1,
                                     message: "label column '\(header[labelColumn])' has no value ('\(cell.prefix(40))'); expected a label, "
                                        + "or --missing drop to leave such rows out")
                }
                keep = false
            }
            guard keep else {
                features.removeSubrange(rowStart...)
                dropped += 1
                continue
            }
            let value = reader.float(at: labelColumn).map(Double.init)
            if let value {
                if value != value.rounded() { allIntegers = false }
            } else {
                allNumeric = false
            }
            labelValues.append(value ?? .nan)
            guard kind != .regression else { continue }
            if let code = codes[cell] {
                labelCodes.append(code)
            } else if codes.count < maxClasses {
                let code = Int32(codes.count)
                codes[cell] = code
                names.append(cell)
                labelCodes.append(code)
            } else if !allNumeric || kind == .classification {
                let numeric = labelValues.lazy.filter { !$0.isNaN }.count
                throw .malformed(path: path, line: reader.recordLine, column: labelColumn + 1,
                                 message: "more than \(maxClasses) distinct labels in column '\(header[labelColumn])'; expected classes"
                                    + (numeric * 10 >= labelValues.count * 9
                                       ? " (its labels are nearly all numbers: a value to predict? use --label-kind regression)" : ""))
            }
        }
        guard !labelValues.isEmpty else {
            guard dropped == 0 else { throw .tooFewSamples("'\(path)': every one of its \(dropped) rows has a missing value (--missing drop)") }
            throw .empty(path: path)
        }
        let asClasses: Bool
        switch kind {
        case .classification: asClasses = true
        case .regression:
            guard allNumeric else {
                let line = labelValues.firstIndex { $0.isNaN }.map { $0 + 2 } ?? 0
                throw .malformed(path: path, line: line, column: labelColumn + 1,
                                 message: "label column '\(header[labelColumn])' holds text; expected numbers for regression")
            }
            asClasses = false
        case .auto: asClasses = !allNumeric || (allIntegers && codes.count <= maxAutoClasses)
        }
        if !asClasses {
            var data = Dataset(features: features, targets: labelValues.map { Float($0) },
                               featureCount: featureNames.count, task: .regression(outputs: 1), featureNames: featureNames)
            data.labelName = header[labelColumn]
            data.missing = Dataset.MissingCount(droppedRows: dropped, missingValues: filled)
            return data
        }
        // Thousands of classes of labels that are nearly all numbers: a regression target with a
        // few text cells, most likely.
        if kind == .auto && names.count > 1_000 && labelValues.lazy.filter({ !$0.isNaN }).count * 10 >= labelValues.count * 9,
           let text = labelValues.firstIndex(where: \.isNaN) {
            throw .malformed(path: path, line: text + 2, column: labelColumn + 1,
                             message: "label column '\(header[labelColumn])' would make \(names.count) classes: its labels are numbers but for "
                                + "text such as this line's; to predict the number, remove the text and use --label-kind regression, "
                                + "or keep the classes with --label-kind classification")
        }
        guard names.count >= 2 else {
            throw .malformed(path: path, line: 2, column: labelColumn + 1,
                             message: "label column '\(header[labelColumn])' has only one class '\(names.first ?? "")'; expected at least two")
        }
        // Sort the classes, numerically when they are all numbers, and renumber.
        let order = names.indices.sorted { a, b in
            if allNumeric, let x = Double(names[a]), let y = Double(names[b]) { return x < y }
            return names[a] < names[b]
        }
        var newIndex = [Int](repeating: 0, count: names.count)
        for (rank, old) in order.enumerated() { newIndex[old] = rank }
        var data = Dataset(features: features, featureCount: featureNames.count,
                           classIndices: labelCodes.map { newIndex[Int($0)] }, classCount: names.count,
                           featureNames: featureNames, classNames: order.map { names[$0] })
        data.labelName = header[labelColumn]
        data.missing = Dataset.MissingCount(droppedRows: dropped, missingValues: filled)
        return data
    }
}
