import ArgumentParser
import Datasets
import Experiments
import Foundation
import Neural
import Tracking

/// `gradbook predict RUN DATA.csv`: a run's weight snapshot as a model, applied to new rows.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Predict with a run's weight snapshot: one output row per row of a CSV file.",
        discussion: """
            The file needs the run's input columns, by name and in any order (x and y for the built-in 2-D sets); \
            other columns are kept in the output. The inputs are transformed as the run's training data was \
            (feature crosses, the standardiser fitted on its training part): nothing is fitted on the new rows. \
            Each output row has the input's columns, the predicted class (or value), and for classification \
            p_CLASS, the probability of each class. When the file has the label column, the accuracy (or loss) \
            on it is said on stderr.
              gradbook predict 12 new.csv -o predictions.csv
              gradbook predict 12 new.csv --best --keep id --format json
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var snapshot: SnapshotSelection

    @Argument(help: ArgumentHelp("A CSV file with the run's input columns.", valueName: "data.csv"))
    var data: String

    @Option(help: ArgumentHelp("Keep only these input columns beside the predictions, comma-separated (e.g. an id column).",
                               valueName: "columns"))
    var keep: String?

    @OptionGroup var output: OutputOptions
    @OptionGroup var resources: ResourceOptions

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        let (run, epoch) = try snapshot.resolve(in: db)
        let model = try RunModel(store: db, run: run, epoch: epoch)
        let input = try ModelInput(path: data, for: model.transform, maxValues: try resources.memory().maxDataValues())
        let keep = self.keep.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        try output.writer(default: .csv, protecting: db).write(try model.predictions(input, keep: keep))
        if input.hasLabels {
            let e = try model.evaluate(input)
            Console.error("run \(run.id), snapshot of epoch \(epoch), on \(input.records.count) labelled rows: "
                + "loss \(Metric.testLoss.formatted(e.loss))" + (e.accuracy.map { ", accuracy \(Metric.testAccuracy.formatted($0))" } ?? ""))
        }
    }
}
