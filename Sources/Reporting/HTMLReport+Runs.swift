import Foundation
import Tracking

/// The per-run sections of a report: health charts, weight and output histograms, the
/// sweep's gallery of decision boundaries and what a run's hidden units learned.
extension HTMLReport {
    /// One run's health: loss and accuracy, then per layer gradient norm (log), dead units,
    /// saturation and weight norm, alert epochs marked.
    func details(_ run: Int64, label: String, _ charts: inout [String]) throws -> String {
        let diagnostics = try store.diagnostics(runs: [run])
        func column(_ name: String) -> Int { diagnostics.columns.firstIndex(of: name)! }
        let (epochCol, layerCol) = (column("epoch"), column("layer"))
        let layers = Set(diagnostics.rows.map { Self.id($0[layerCol]) }).sorted()
        func perLayer(_ statistic: String) -> [LineChart.Series] {
            let c = column(statistic)
            return layers.compactMap { layer in
                let points = diagnostics.rows.filter { Self.id($0[layerCol]) == layer }.compactMap { row in
                    row[c].number.map { CurvePoint(epoch: Int(Self.id(row[epochCol])), value: $0) }
                }
                // The diagnostics number layers from 1, the first hidden one, as `show` does.
                let name = layer == layers.last ? "output" : "layer \(layer)"
                return points.isEmpty ? nil : .init(label: name, color: Palette.color(Int(layer) - 1), points: points, run: run, metric: statistic)
            }
        }
        let alerts = try store.alertSummary(run: run)
        let markers = alerts.map { a in
            LineChart.Marker(epoch: a.firstEpoch,
                             label: "\(a.kind.rawValue) from epoch \(a.firstEpoch)\(a.layer >= 0 ? " (layer \(a.layer + 1))" : ""): \(a.firstMessage)",
                             color: Palette.color(for: a.severity))
        }
        var out = "<section class=\"run\"><h2 id=\"details-\(run)\">Run \(escaped(label))</h2>"
        out += alerts.isEmpty ? "<p class=\"note\">No alerts.</p>"
            : "<p class=\"note\">Dashed vertical lines: the epoch where an alert first fired.</p><ul class=\"alerts\">"
                + alerts.map { a in
                    "<li data-kind=\"\(escaped(a.kind.rawValue))\" data-severity=\"\(a.severity.rawValue)\"><b>\(escaped(a.kind.rawValue))</b> "
                        + "(\(a.severity.rawValue)\(a.layer >= 0 ? ", layer \(a.layer + 1)" : ""), epochs \(a.firstEpoch)–\(a.lastEpoch)): "
                        + "\(escaped(a.firstMessage))</li>"
                }.joined() + "</ul>"
        out += learned(run)
        out += "<div class=\"grid\">\n"
        var curves: [LineChart.Series] = [], accuracy: [LineChart.Series] = []
        let shown = Metric.standardCurves + [Metric.valLoss, .valAccuracy]
        for curve in try store.curves(run: run, metrics: shown.map(\.name)) where !curve.points.isEmpty {
            let train = curve.metric.hasPrefix("train"), validation = curve.metric.hasPrefix("val_")
            let s = LineChart.Series(label: curve.metric, color: Palette.color(train ? 0 : validation ? 2 : 1), points: curve.points,
                                     dashed: train, run: run, metric: curve.metric)
            if Metric.named(curve.metric).display == .fraction { accuracy.append(s) } else { curves.append(s) }
        }
        out += figure(LineChart(title: "loss", series: curves, markers: markers, width: 460, height: 240), id: "run\(run)-loss", &charts)
        if !accuracy.isEmpty {
            out += figure(LineChart(title: "accuracy", series: accuracy, markers: markers, yScale: .linear, width: 460, height: 240), id: "run\(run)-accuracy", &charts)
        }
        if !layers.isEmpty {
            out += figure(LineChart(title: "gradient norm per layer", series: perLayer("grad_norm_mean"), markers: markers, yScale: .log,
                                    width: 460, height: 240), id: "run\(run)-grad", &charts)
            let dead = perLayer("dead_units"), saturated = perLayer("saturated_fraction")
            if !dead.isEmpty {
                out += figure(LineChart(title: "dead units per layer", series: dead, markers: markers, yScale: .linear, width: 460, height: 240),
                              id: "run\(run)-dead", &charts)
            }
            if !saturated.isEmpty {
                out += figure(LineChart(title: "saturated share per layer", series: saturated, markers: markers, yScale: .linear, width: 460, height: 240),
                              id: "run\(run)-saturated", &charts)
            }
            out += figure(LineChart(title: "weight norm per layer", series: perLayer("weight_norm"), markers: markers, width: 460, height: 240),
                          id: "run\(run)-weights", &charts)
        }
        return out + "</div>" + (try histograms(run)) + "</section>\n"
    }

    /// A run's weights per layer and its hidden units' outputs on its training data, each at a
    /// few snapshots overlaid: how the distributions move through training.
    func histograms(_ run: Int64) throws -> String {
        let stored = Array(Set(try store.snapshots(run: run).map(\.epoch))).sorted()
        let epochs = options.histogramEpochs.map { SnapshotRecord.nearest($0, in: stored) } ?? SnapshotRecord.spread(stored, count: 3)
        guard !epochs.isEmpty else { return "" }
        var weights: [Int: [Histogram.Series]] = [:], outputs: [Int: [Histogram.Series]] = [:]
        var failure: String?
        for (k, epoch) in epochs.enumerated() {
            for tensor in try store.snapshotTensors(run: run, epoch: epoch) where tensor.name == "weight" {
                weights[tensor.layer, default: []].append(.init(label: "epoch \(epoch)", color: Palette.color(k), values: tensor.values))
            }
            guard let activations, failure == nil else { continue }
            do {
                for (layer, values) in try activations.hiddenOutputs(run: run, epoch: epoch, examples: Self.histogramExamples).enumerated() {
                    outputs[layer, default: []].append(.init(label: "epoch \(epoch)", color: Palette.color(k), values: values))
                }
            } catch {
                failure = "\(error)"
            }
        }
        let last = weights.keys.max()
        let activation = Dictionary(try store.diagnostics(runs: [run]).rows.compactMap { row -> (Int, String)? in
            guard case .integer(let layer) = row[3] else { return nil }
            return (Int(layer) - 1, row[5].text)
        }, uniquingKeysWith: { a, _ in a })
        var out = "<h3>Weights and hidden outputs by layer</h3><p class=\"note\">At epochs \(epochs.map(String.init).joined(separator: ", "))"
            + (options.histogramEpochs == nil ? " (the first, middle and last snapshots; --histogram-epochs chooses)" : " (the nearest snapshots)")
            + "; bar heights: the share of the layer's values in each bin. Hidden outputs: on the first \(Self.histogramExamples) training examples.</p>"
            + "<div class=\"scatters\">"
        for layer in weights.keys.sorted() {
            let name = layer == last ? "output layer" : "layer \(layer + 1)"
            out += "<figure>" + Histogram(title: "\(name) weights", series: weights[layer]!).svg(id: "run\(run)-weights-\(layer + 1)") + "</figure>"
        }
        for layer in outputs.keys.sorted() {
            let kind = activation[layer].map { " (\($0))" } ?? ""
            out += "<figure>" + Histogram(title: "layer \(layer + 1) outputs\(kind)", series: outputs[layer]!).svg(id: "run\(run)-outputs-\(layer + 1)") + "</figure>"
        }
        out += "</div>"
        if let failure { out += "<p class=\"note\">No hidden outputs: \(escaped(failure))</p>" }
        return out
    }

    /// The pivot's grid of decision boundaries: in each cell, the run of the gallery's seed.
    func gallery(_ pivot: Pivot) throws -> String {
        guard let fields else { return "" }
        let seeds = try store.table(runs: runs, columns: [Term(name: "id"), FilterParser.terms("param.seed")[0]]).rows
        let seed = Dictionary(uniqueKeysWithValues: seeds.map { (Self.id($0[0]), $0[1].number.map { Int64($0) }) })
        let chosen = options.gallerySeed ?? seeds.compactMap { $0[1].number.map { Int64($0) } }.min()
        var cells = "", drawn = 0
        for r in pivot.rowKeys {
            cells += "<tr><th>\(escaped(r.text))</th>"
            for c in pivot.colKeys {
                guard let cell = pivot[r, c], let run = cell.runs.first(where: { seed[$0] == chosen }) ?? cell.runs.first else {
                    cells += "<td></td>"
                    continue
                }
                let field: DecisionField?
                do { field = try fields.fields(run: run, frames: 1, resolution: Self.galleryResolution).last } catch {
                    cells += "<td class=\"note\">\(escaped("\(error)"))</td>"
                    continue
                }
                guard let field else { return "" }   // the sweep's runs are not on two input columns
                var chart = BoundaryChart(field: field, title: "\(pivot.rowTerm.text) = \(r.text), \(pivot.colTerm?.text ?? "") = \(c.text): run \(run), epoch \(field.epoch)")
                chart.size = 116
                chart.compact = true
                chart.publishesValues = false
                drawn += 1
                cells += "<td data-run=\"\(run)\"><a href=\"#run-\(run)\">" + chart.svg(id: "gallery-\(run)") + "</a></td>"
            }
            cells += "</tr>\n"
        }
        guard drawn > 0 else { return "" }
        let head = "<tr><th>\(escaped(pivot.rowTerm.text)) \\ \(escaped(pivot.colTerm?.text ?? ""))</th>"
            + pivot.colKeys.map { "<th>\(escaped($0.text))</th>" }.joined() + "</tr>\n"
        return "<section><h2>Decision boundaries by \(escaped(pivot.rowTerm.text))" + (pivot.colTerm.map { " × " + escaped($0.text) } ?? "") + "</h2>"
            + "<p class=\"note\">Each cell: the last snapshot of its run with seed \(chosen.map(String.init) ?? "?") (orange: the first class, blue: "
            + "the second; test points ringed black). Click one for its run.</p><div class=\"scroll\"><table class=\"gallery\">\n"
            + head + cells + "</table></div></section>\n"
    }

    /// What the run's network computes over the plane, with a slider through its snapshots.
    func learned(_ run: Int64) -> String {
        guard let fields else { return "" }
        let frames: [DecisionField]
        do { frames = try fields.fields(run: run, frames: Self.frames, resolution: Self.frameResolution) } catch {
            return "<p class=\"note\">No decision boundary: \(escaped("\(error)"))</p>"
        }
        guard let last = frames.last else { return "" }
        var chart = BoundaryChart(field: last, title: "decision boundary")
        chart.publishesValues = false
        let json = frames.map { f -> String in
            let c = BoundaryChart(field: f, title: "")
            return "{\"epoch\":\(f.epoch),\"field\":\"\(c.image.dataURL)\",\"units\":[" + f.units.map { "\"" + c.image(of: $0).dataURL + "\"" }.joined(separator: ",") + "]}"
        }
        let id = "learned-\(run)"
        return "<figure class=\"learned\" id=\"\(id)\" data-epoch=\"\(last.epoch)\"><div class=\"learned-row\">" + chart.svg(id: "\(id)-boundary")
            + chart.unitsSVG(id: "\(id)-units") + "</div>"
            + "<label class=\"slider\">epoch <input type=\"range\" class=\"epoch-slider\" min=\"0\" max=\"\(frames.count - 1)\" value=\"\(frames.count - 1)\" "
            + "data-target=\"\(id)\" data-frames=\"\(id)-frames\"> <span class=\"epoch-label\">\(last.epoch)</span> "
            + "<span class=\"note\">(\(frames.count) frames spread over its snapshots, epochs \(frames.first!.epoch)–\(last.epoch))</span></label>"
            + "<script type=\"application/json\" id=\"\(id)-frames\">[" + json.joined(separator: ",") + "]</script></figure>\n"
    }
}
