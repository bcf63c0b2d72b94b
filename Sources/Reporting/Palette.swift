import Foundation
public import Tracking

/// Colours that read on light and dark backgrounds alike.
public enum Palette {
    /// Okabe–Ito's colour-blind-safe set, then a few more.
    public static let categorical = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#B8A21A", "#7F7F7F",
                                     "#8C564B", "#9467BD"]

    /// The `i`-th categorical colour, cycling.
    public static func color(_ i: Int) -> String { categorical[((i % categorical.count) + categorical.count) % categorical.count] }

    /// Viridis at `t` in [0, 1] (dark purple → yellow), linear between eight stops.
    public static func viridis(_ t: Double) -> String {
        let stops: [(Double, Double, Double)] = [(68, 1, 84), (70, 50, 126), (54, 92, 141), (39, 127, 142), (31, 161, 135),
                                                 (74, 193, 109), (160, 218, 57), (253, 231, 37)]
        let x = min(max(t.isFinite ? t : 0, 0), 1) * Double(stops.count - 1)
        let i = min(Int(x), stops.count - 2), f = x - Double(i)
        let (a, b) = (stops[i], stops[i + 1])
        func mix(_ p: Double, _ q: Double) -> Int { Int((p + (q - p) * f).rounded()) }
        return String(format: "#%02X%02X%02X", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// The colour of an alert's marks: vermilion for critical alerts, reddish purple for warnings, grey for notes.
    public static func color(for severity: AlertKind.Severity) -> String {
        switch severity {
        case .critical: "#D55E00"
        case .warning: "#CC79A7"
        case .note: "#999999"
        }
    }

    /// Dark text on light cells, light text on dark ones.
    public static func textColor(onViridis t: Double) -> String { t > 0.55 ? "#111" : "#fff" }
}
