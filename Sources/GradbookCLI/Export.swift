import ArgumentParser
import Foundation
import Tracking

/// `gradbook export`: writes stored data in formats other tools read.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export curves, runs, diagnostics (CSV, TSV, JSON) and weights (.npy) for other tools.",
        subcommands: [ExportCurves.self, ExportRuns.self, ExportDiagnostics.self, ExportClasses.self, ExportWeights.self])
}

/// `gradbook export weights RUN`: a snapshot's tensors as NumPy `.npy` files.
struct ExportWeights: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "weights",
        abstract: "Write a run's weight snapshot as NumPy .npy files, one per tensor.",
        discussion: "Files are named layerN_NAME.npy (N from 1; the output layer last); numpy.load reads them as float32 arrays.")

    @OptionGroup var store: StoreOptions

    @OptionGroup var snapshot: SnapshotSelection

    @Option(name: [.short, .customLong("output"), .customLong("dir")], help: ArgumentHelp(
        "The folder to write into (created if needed); each file is replaced whole, never one of the store's.", valueName: "folder"))
    var output = "."

    mutating func run() throws {
        let db = try store.open(.read)
        defer { try? db.close() }
        let (run, epoch) = try snapshot.resolve(in: db)
        let tensors = try db.snapshotTensors(run: run.id, epoch: epoch)
        if Paths.exists(output), !Paths.isFolder(output) { throw OutputError.notAFolder(path: output) }
        do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
            throw OutputError.cannotWrite(path: output, reason: "the folder cannot be created (\((error as NSError).localizedFailureReason ?? error.localizedDescription))")
        }
        guard Paths.isFolder(output) else { throw OutputError.cannotWrite(path: output, reason: "the folder cannot be created") }
        for t in tensors {
            let path = (output.hasSuffix("/") ? output : output + "/") + "layer\(t.layer + 1)_\(t.name).npy"
            try OutputSink.write(NPYFile.data(shape: t.shape, values: t.values), to: path, protecting: db.path)
            Console.out(path)
        }
    }
}

/// Which run and which of its weight snapshots a command works on.
struct SnapshotSelection: ParsableArguments {
    @Argument(help: "The run: its id, uuid prefix or name.")
    var runID: String

    @Option(help: "The epoch of the snapshot (0 = the initial weights). (default: the last snapshot)")
    var epoch: Int?

    @Flag(help: "The best snapshot: the selected epoch (the lowest validation loss, or test loss for a run without a validation split).")
    var best = false

    /// The run, and the epoch of the snapshot asked for: that epoch, the best one, or the last one.
    func resolve(in db: RunStore) throws -> (run: StoredRun, epoch: Int) {
        let run = try db.run(runID)
        return (run, try Self.epoch(of: run, in: db, epoch: epoch, best: best))
    }

    /// `run`'s snapshot epoch: `epoch` (which must have one), the best one, or the last one.
    static func epoch(of run: StoredRun, in db: RunStore, epoch: Int?, best: Bool) throws -> Int {
        let snapshots = try db.snapshots(run: run.id)
        let epochs = snapshots.map(\.epoch)
        guard !epochs.isEmpty else { throw ValidationError("run \(run.id) has no weight snapshots (it ran with --snapshots none)") }
        if let epoch {
            guard epochs.contains(epoch) else {
                throw ValidationError("run \(run.id) has no snapshot at epoch \(epoch); it has epochs \(epochs.map(String.init).joined(separator: ", "))")
            }
            return epoch
        }
        if best, let b = snapshots.first(where: \.best) { return b.epoch }
        return epochs.max()!
    }
}
