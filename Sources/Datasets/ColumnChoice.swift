/// Which columns of a CSV file are the network's inputs: the ones named, in that order, or
/// every column but the label and the ones dropped — so a file with id or text columns can
/// still be used.
public struct ColumnChoice: Sendable, Hashable, Codable {
    /// The input columns in order; `nil` for every column but the label and ``drop``.
    public var inputs: [String]?
    /// Columns left out.
    public var drop: [String]

    public static let all = ColumnChoice(inputs: nil, drop: [])

    public init(inputs: [String]?, drop: [String]) {
        self.inputs = inputs
        self.drop = drop
    }

    /// The header positions of the input columns.
    /// - Throws: a column that is not in the header (with a near name), the label chosen as an
    ///   input, a column named twice, no input left.
    func positions(in header: [String], label: Int, path: String) throws(DatasetError) -> [Int] {
        func find(_ name: String, option: String) throws(DatasetError) -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw .invalidOption(name: option, value: name, expected: "a column of '\(path)': "
                    + header.prefix(30).map { "'\($0)'" }.joined(separator: ", ") + (header.count > 30 ? ", …" : "")
                    + Spelling.hint(for: name, among: header))
            }
            return i
        }
        for name in drop {
            if try find(name, option: "--drop") == label {
                throw .invalidOption(name: "--drop", value: name, expected: "an input column: '\(name)' is the label column (--label)")
            }
        }
        let chosen: [Int]
        if let inputs {
            var seen = Set<Int>()
            chosen = try inputs.map { name throws(DatasetError) in
                let i = try find(name, option: "--columns")
                guard i != label else {
                    throw .invalidOption(name: "--columns", value: name, expected: "input columns: '\(name)' is the label column (--label)")
                }
                guard seen.insert(i).inserted else { throw .invalidOption(name: "--columns", value: name, expected: "each column once") }
                return i
            }
            if let both = drop.first(where: inputs.contains) {
                throw .invalidOption(name: "--drop", value: both, expected: "a column not also chosen by --columns")
            }
        } else {
            let dropped = Set(drop)
            chosen = header.indices.filter { $0 != label && !dropped.contains(header[$0]) }
        }
        guard !chosen.isEmpty else {
            throw .invalidOption(name: "--drop", value: drop.joined(separator: ","), expected: "at least one input column left")
        }
        return chosen
    }
}
