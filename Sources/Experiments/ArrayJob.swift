import Foundation
import Tracking

/// A sweep handed to a scheduler as an array job: one task per slice, each training its slice
/// into an SQLite file on the node's local disk and copying it, when it ends, to the shard folder
/// (SQLite is never written over a network file system). `merge` then folds the shards into one
/// store and `sweep status` says which tasks to submit again.
public struct ArrayJob: Sendable {
    /// The schedulers Gradbook writes jobs for.
    public enum Scheduler: String, Sendable, CaseIterable {
        /// An sbatch script with `--array=1-N`.
        case slurm
        /// A Kubernetes Indexed Job manifest.
        case k8s
    }

    /// The sweep's name: every task must store the same sweep.
    public var sweep: String
    /// The options of `gradbook sweep` that define the sweep (run options, `--spec`, `--seeds`,
    /// `--name`, …), in order; the job adds the slice, the store and the cores.
    public var arguments: [String]
    public var configurations: Int
    /// N: the number of slices and of tasks.
    public var slices: Int
    /// At most this many tasks at once (`%K`), if set.
    public var arrayLimit: Int?
    /// Where the shard files gather, relative to where the job is submitted.
    public var folder = "shards"
    public var version: String

    public init(sweep: String, arguments: [String], configurations: Int, slices: Int, arrayLimit: Int?, version: String) {
        self.sweep = sweep
        self.arguments = arguments
        self.configurations = configurations
        self.slices = slices
        self.arrayLimit = arrayLimit
        self.version = version
    }

    /// The script or manifest for `scheduler`.
    public func text(for scheduler: Scheduler) -> String {
        switch scheduler {
        case .slurm: slurm
        case .k8s: kubernetes
        }
    }

    /// The file name of a shard: `NAME-3.sqlite`, with the task index as the shell sees it.
    private func shardFile(_ task: String) -> String { "\(folder)/\(fileSafe(sweep))-\(task).sqlite" }

    /// `gradbook sweep …` for one task: the sweep's options, then the slice, store and copy.
    private func command(jobs: String, local: String, shard: String) -> String {
        (["gradbook", "sweep"] + arguments).map(Shell.quoted).joined(separator: " ")
            + " \\\n    --jobs \(jobs) --shard auto/\(slices) --db \(local) --copy-to \(shard)"
    }

    private var slurm: String {
        let name = fileSafe(sweep)
        return """
            #!/bin/bash
            #SBATCH --job-name=\(name)
            #SBATCH --array=1-\(slices)\(arrayLimit.map { "%\($0)" } ?? "")
            #SBATCH --cpus-per-task=1
            #SBATCH --output=\(name)-%A_%a.log
            #
            # The sweep '\(sweep)' (\(configurations) configurations) as \(slices) array tasks: task i trains slice i/\(slices)
            # into an SQLite file on the node's local disk and copies it to \(folder)/ when it ends, so no
            # SQLite file is ever written over a network file system. Raise --cpus-per-task to train
            # several runs of a task at once. Written by gradbook \(version) (gradbook sweep … --emit slurm).
            set -euo pipefail
            mkdir -p \(folder)
            task="${SLURM_ARRAY_TASK_ID:?submit this script with sbatch: it is an array job}"
            local="${TMPDIR:-/tmp}/gradbook-\(name)-${SLURM_JOB_ID:-job}-${task}.sqlite"
            shard="\(shardFile("${task}"))"
            # A task submitted again goes on from the copy its last attempt left.
            if [ -f "$shard" ]; then cp "$shard" "$local"; fi
            # scancel sends SIGTERM to every process of the task: gradbook closes its runs as
            # interrupted and copies the shard; this script waits for it, then cleans up.
            trap 'echo "task $task: stopping; gradbook closes its runs and copies the shard" >&2' TERM INT
            status=0
            \(command(jobs: "\"${SLURM_CPUS_PER_TASK:-1}\"", local: "\"$local\"", shard: "\"$shard\"")) || status=$?
            rm -f "$local" "$local-wal" "$local-shm"
            exit "$status"

            # When every task has ended, on one machine:
            #   gradbook merge --db \(name).sqlite \(folder)/\(name)-*.sqlite
            #   gradbook sweep status \(Shell.quoted(sweep)) --db \(name).sqlite \(folder)/\(name)-*.sqlite
            # and submit again exactly the tasks status lists:  sbatch --array=LIST this-script

            """
    }

    private var kubernetes: String {
        // A Job's name: lower-case letters, digits and '-', at most 63 characters.
        let name = String(("gradbook-" + sweep.lowercased()).map { $0.isLetter || $0.isNumber ? $0 : "-" }.prefix(63))
            .trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        let script = """
            set -eu
            task=$((JOB_COMPLETION_INDEX + 1))
            local=/scratch/shard.sqlite
            shard="/\(shardFile("$task"))"
            if [ -f "$shard" ]; then cp "$shard" "$local"; fi
            \(command(jobs: "1", local: "\"$local\"", shard: "\"$shard\""))
            """
        return """
            # The sweep '\(sweep)' (\(configurations) configurations) as a Kubernetes Indexed Job of \(slices) tasks: task i
            # trains slice i/\(slices) into /scratch (the pod's own disk) and copies it to the volume mounted on
            # /\(folder) when it ends. Set the image (one with the gradbook binary) and the claim, then
            #   kubectl apply -f this.yaml
            # When the job has ended, with the volume at hand:
            #   gradbook merge --db \(fileSafe(sweep)).sqlite \(folder)/\(fileSafe(sweep))-*.sqlite
            #   gradbook sweep status \(Shell.quoted(sweep)) --db \(fileSafe(sweep)).sqlite \(folder)/\(fileSafe(sweep))-*.sqlite
            # Written by gradbook \(version) (gradbook sweep … --emit k8s).
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(name)
            spec:
              completions: \(slices)
              parallelism: \(arrayLimit ?? slices)
              completionMode: Indexed
              backoffLimit: \(2 * slices)
              template:
                spec:
                  restartPolicy: Never
                  containers:
                  - name: gradbook
                    image: gradbook:latest
                    command: ["sh", "-c"]
                    args:
                    - |
            \(script.split(separator: "\n").map { "          " + $0 }.joined(separator: "\n"))
                    resources:
                      requests: {cpu: "1"}
                    volumeMounts:
                    - {name: scratch, mountPath: /scratch}
                    - {name: shards, mountPath: /\(folder)}
                  volumes:
                  - name: scratch
                    emptyDir: {}
                  - name: shards
                    persistentVolumeClaim: {claimName: gradbook-shards}

            """
    }
}

/// A name for files: letters, digits, `-`, `_` and `.` kept, anything else `_`.
func fileSafe(_ text: String) -> String {
    String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
}
