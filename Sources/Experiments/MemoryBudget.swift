import Datasets
import Foundation
public import Neural

/// What a run's data and network take in memory, estimated from its configuration before
/// anything is allocated, and refused above a limit: a mistyped `--samples 1e10`, `--layers
/// 100000,100000`, `--batch-size 1e9` or `--classes 1e8` is a clear error, not an abort.
public struct MemoryBudget: Sendable, Equatable {
    /// Bytes a run may take.
    public var limit: Int

    public init(limit: Int) {
        self.limit = limit
    }

    /// Half of this machine's memory.
    public static let standard = MemoryBudget(limit: Int(min(ProcessInfo.processInfo.physicalMemory / 2, UInt64(Int.max))))

    /// The flag that raises the limit, for messages.
    public static let option = "--memory-limit"

    /// Reads `8g`, `512m`, `1.5GB`, `2000000000` (bytes).
    public init(parsing text: String) throws(SettingsError) {
        let lower = text.lowercased().replacingOccurrences(of: "ib", with: "").replacingOccurrences(of: "b", with: "")
        let units: [(suffix: String, scale: Double)] = [("t", 0x1p40), ("g", 0x1p30), ("m", 0x1p20), ("k", 0x1p10)]
        let unit = units.first { lower.hasSuffix($0.suffix) }
        guard let number = Double(unit == nil ? lower : String(lower.dropLast())), number.isFinite, number > 0,
              case let bytes = number * (unit?.scale ?? 1), bytes >= 0x1p20, bytes < Double(Int.max) else {
            throw .invalid(key: "memory-limit", value: text, expected: "a size from 1m, such as 8g, 512m or 16GB")
        }
        limit = Int(bytes)
    }

    /// Bytes of a data set of `rows` samples: features and targets as `Float`, with the copies
    /// splitting and standardising make.
    static func dataBytes(rows: Int, features: Int, outputs: Int) -> Double {
        Double(rows) * Double(features + outputs) * 4 * 3
    }

    /// Checks the data a built-in set would generate (CSV files are checked as they are read).
    public func checkData(_ data: DataSpec) throws(ResourceError) {
        guard let builtin = data.builtin else { return }
        let features = builtin == .blobs ? data.features : (data.crosses?.count ?? 2)
        let outputs = builtin == .blobs ? data.classes : 1
        try check("the data (\(data.samples) samples of \(features) features and \(outputs) targets)",
                  Self.dataBytes(rows: data.samples, features: features, outputs: outputs), advice: "fewer --samples, --dimensions or --classes")
    }

    /// The most values a CSV file may hold: what the limit leaves for them.
    public func maxDataValues() -> Int { Int(Double(limit) / (4 * 3)) }

    /// Checks the network for `inputs` features and `outputs` outputs: its parameters with their
    /// gradients and optimiser state, and the buffers of a batch (at most the `samples` there
    /// are, at least an evaluation chunk of 256) through every layer.
    public func checkNetwork(_ training: TrainingConfig, inputs: Int, outputs: Int, samples: Int) throws(ResourceError) {
        let widths = [inputs] + training.hidden.map(\.units) + [outputs]
        var parameters = 0.0, units = 0.0
        for (a, b) in zip(widths, widths.dropFirst()) {
            parameters += Double(a) * Double(b) + Double(b)
            units += Double(b)
        }
        let rows = Double(max(min(training.batchSize, samples), 256))
        let bytes = parameters * 4 * 4 + rows * (units * 6 + Double(inputs) + Double(outputs) * 3) * 4
        try check("the network (\(Int(parameters)) weights, batches of \(training.batchSize))", bytes,
                  advice: "narrower --layers or a smaller --batch-size")
    }

    private func check(_ what: String, _ bytes: Double, advice: String) throws(ResourceError) {
        guard bytes > Double(limit) else { return }
        throw .tooLarge(what: what, bytes: bytes, limit: limit, advice: advice)
    }
}

/// A run that would take more than the machine can give it.
public enum ResourceError: Error, Sendable, Equatable, CustomStringConvertible {
    case tooLarge(what: String, bytes: Double, limit: Int, advice: String)

    public var description: String {
        switch self {
        case let .tooLarge(what, bytes, limit, advice):
            "\(what) would take about \(Self.size(bytes)), above the limit of \(Self.size(Double(limit))): "
                + "\(advice), or raise \(MemoryBudget.option)"
        }
    }

    /// `12.5 GB`.
    static func size(_ bytes: Double) -> String {
        for (unit, scale) in [("TB", 1e12), ("GB", 1e9), ("MB", 1e6)] where bytes >= scale {
            return String(format: "%.3g %@", bytes / scale, unit)
        }
        return String(format: "%.0f kB", bytes / 1e3)
    }
}
