import Experiments
import Tracking
import XCTest

final class ArrayJobTests: XCTestCase {
    func testSlicesByHandAndFromEveryScheduler() throws {
        XCTAssertEqual(try SweepSlice.parse("3/8", environment: [:]).slice, SweepSlice(index: 3, count: 8))
        for variable in ArrayIndexVariable.all {
            // The first task of any scheduler is slice 1; its last is slice N.
            let first = try SweepSlice.parse("auto/8", environment: [variable.name: "\(variable.base)"])
            XCTAssertEqual(first.slice, SweepSlice(index: 1, count: 8), variable.name)
            XCTAssertEqual(first.origin, "\(variable.name)=\(variable.base)")
            XCTAssertEqual(try SweepSlice.parse("auto/8", environment: [variable.name: "\(7 + variable.base)"]).slice.index, 8, variable.name)
            XCTAssertThrowsError(try SweepSlice.parse("auto/8", environment: [variable.name: "\(8 + variable.base)"]), variable.name)
        }
        // N comes from the text, never from the array's size: a rerun of tasks 3 and 5 keeps its slices.
        let rerun = try SweepSlice.parse("auto/8", environment: ["SLURM_ARRAY_TASK_ID": "5", "SLURM_ARRAY_TASK_COUNT": "2"])
        XCTAssertEqual(rerun.slice, SweepSlice(index: 5, count: 8))
        XCTAssertThrowsError(try SweepSlice.parse("auto/8", environment: [:])) { error in
            XCTAssertTrue("\(error)".contains("SLURM_ARRAY_TASK_ID"), "names what it looked for: \(error)")
        }
        for bad in ["9/8", "0/8", "3", "a/8", "3/0", "auto/x", "3/8/2", ""] {
            XCTAssertThrowsError(try SweepSlice.parse(bad, environment: [:]), bad)
        }
        // Slices cover every configuration once.
        let slices = (1...3).map { SweepSlice(index: $0, count: 3) }
        for i in 0..<10 { XCTAssertEqual(slices.filter { $0.contains(i) }.count, 1) }
    }

    func testTheSlurmScriptRunsOneSliceATaskAndSaysHowToFinish() {
        let job = ArrayJob(sweep: "act vs lr", arguments: ["--activation", "relu,tanh", "--name", "act vs lr"], configurations: 48,
                           slices: 8, arrayLimit: 3, version: "9")
        let script = job.text(for: .slurm)
        XCTAssertTrue(script.hasPrefix("#!/bin/bash\n"))
        for line in ["#SBATCH --array=1-8%3", "mkdir -p shards", "--jobs \"${SLURM_CPUS_PER_TASK:-1}\" --shard auto/8",
                     "gradbook sweep --activation relu,tanh --name 'act vs lr'", "--copy-to \"$shard\"",
                     "#   gradbook merge --db act_vs_lr.sqlite shards/act_vs_lr-*.sqlite",
                     "#   gradbook sweep status 'act vs lr' --db act_vs_lr.sqlite shards/act_vs_lr-*.sqlite"] {
            XCTAssertTrue(script.contains(line), "missing: \(line)\n\(script)")
        }
        XCTAssertFalse(script.contains("SLURM_ARRAY_TASK_COUNT"), "N is never the array's size")
        let manifest = job.text(for: .k8s)
        for line in ["kind: Job", "completionMode: Indexed", "completions: 8", "parallelism: 3", "name: gradbook-act-vs-lr",
                     "task=$((JOB_COMPLETION_INDEX + 1))", "--shard auto/8"] {
            XCTAssertTrue(manifest.contains(line), "missing: \(line)\n\(manifest)")
        }
    }
}
