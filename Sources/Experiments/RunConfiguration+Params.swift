import Neural
public import Tracking

extension RunConfiguration {
    /// Every hyperparameter that shaped the run, defaults included, with SQL-friendly names
    /// (`lr`, `batch_size`, …): each option's ``RunOption/param``, and the ones derived from
    /// them (``RunOption/derivedParams``). Numbers stay numbers; `clip_norm` is NULL when off.
    public var params: [String: ParamValue] {
        var p: [String: ParamValue] = [:]
        for option in RunOption.all {
            if let name = option.param, let value = option.read(self) { p[name] = value }
        }
        p["depth"] = .integer(Int64(training.hidden.count))
        return p
    }
}
