import Foundation
import Neural
public import Tracking

/// A sweep made concrete: its name and every configuration it will run, checked before
/// anything runs.
public struct SweepPlan: Sendable {
    public var name: String
    public var spec: SweepSpec
    /// Per configuration: the options that vary.
    public var overrides: [RunSettings]
    /// Per configuration: the whole run configuration (base options under the overrides).
    public var configurations: [RunConfiguration]

    /// Expands `spec` over `base` and checks every configuration.
    /// - Parameter name: the sweep's name; by default `sweep-` and a hash of its configurations,
    ///   so that running the same command again finds the same sweep.
    public init(name: String?, spec: SweepSpec, base: RunSettings) throws {
        try spec.checkSize()
        self.spec = spec
        overrides = spec.expand()
        configurations = try overrides.map { try base.merging($0).configuration() }
        self.name = name ?? "sweep-" + Self.hash(configurations)
    }

    /// The sweep as the store keeps it.
    public func newSweep(experiment: String?) throws -> NewSweep {
        let encoder = JSONEncoder.sorted
        let configs = try zip(overrides, configurations).enumerated().map { i, pair in
            SweepConfig(index: i, settingsJSON: String(decoding: try encoder.encode(pair.0.values), as: UTF8.self),
                        configJSON: String(decoding: try encoder.encode(pair.1), as: UTF8.self))
        }
        return NewSweep(name: name, experiment: experiment, method: spec.method.rawValue, metric: spec.metric, goal: spec.goal,
                        specJSON: String(decoding: try encoder.encode(spec), as: UTF8.self), configs: configs)
    }

    /// FNV-1a of the configurations' JSON, 8 hex digits.
    private static func hash(_ configs: [RunConfiguration]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for c in configs {
            for byte in (try? JSONEncoder.sorted.encode(c)) ?? Data() { h ^= UInt64(byte); h &*= 0x0000_0100_0000_01B3 }
        }
        return String(String(h, radix: 16).suffix(8))
    }
}
