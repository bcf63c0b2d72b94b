"""Gradbook side by side with PyTorch, JAX, scikit-learn, numpy and MLflow, in one run.

    python3 Benchmarks/side_by_side.py [--reps 5] [--only W1,W2,W3,T1,T2,S1,S2] [--threads 1] [--csv FILE]
                                       [--python VENV_PYTHON] [--t1-runs 200]

Run through Benchmarks/side-by-side.sh, which builds in release and prepares the peers'
virtual environment first. Standard library only: it runs where no peer is installed.

Every workload runs once per system to warm up, then --reps times alternating
(Gradbook, peer 1, peer 2, …, Gradbook, peer 1, …). W1–W3 and T2 time the training loop inside
long-lived workers (imports, data generation and JAX's compilation are outside the clock); S1
times whole commands; T1 times the writes. Peers start from Gradbook's initial weights and its
minibatch order (side-by-side prepare), so the final losses must agree, and are printed.
"""
import argparse
import csv
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, ".build")
RELEASE = os.path.join(BUILD, "release")
PEERS = os.path.join(ROOT, "Benchmarks", "peers")
WORK = os.path.join(BUILD, "side-by-side")

# One thread everywhere: Gradbook's BLAS, numpy's, PyTorch's, XLA's.
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
              "GRADBOOK_BENCH_THREADS": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "JAX_PLATFORMS": "cpu",
              "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"}

TRAINING = {  # workload: (description, the peers that train it)
    "W1": ("spiral 500 pts, 2-8-8-1 tanh, SGD 0.03, batch 10, 200 epochs", ["torch", "jax", "sklearn", "numpy"]),
    "W2": ("1,797 x 64 blobs, 64-128-64-10 ReLU, Adam 1e-3, batch 32, 30 epochs", ["torch", "jax", "sklearn", "numpy"]),
    "W3": ("20,000 x 784, 784-256-128-10 ReLU, momentum 0.9, lr 0.01, batch 64, 3 epochs", ["torch", "jax", "numpy"]),
}
LABELS = {"gradbook": "Gradbook", "torch": "PyTorch eager", "jax": "JAX jit (epoch as lax.scan)",
          "sklearn": "scikit-learn MLPClassifier", "numpy": "numpy by hand", "mlflow": "MLflow log_batch, SQLite",
          "gradbook-tracked": "Gradbook tracked (diagnostics, store, snapshots/10)",
          "gradbook-bare": "Gradbook untracked",
          "gradbook-diagnosed": "Gradbook untracked, every diagnostic computed", "torch-mlflow": "PyTorch + MLflow (SQLite), 2 processes",
          "gradbook-sweep": "gradbook sweep --jobs 2",
          "gradbook-s2": "Gradbook, 64 runs one after another, bare", "gradbook-s2-lockstep": "Gradbook, 64 runs in Lockstep groups of 8, bare",
          "gradbook-s2-diagnosed": "Gradbook, 64 runs in Lockstep groups of 8, every diagnostic, no store",
          "gradbook-s2-tracked": "Gradbook, 64 runs tracked (Runner, store)",
          "gradbook-s2-sweep": "Gradbook, 64 runs tracked in Lockstep groups of 8",
          "jax-vmap": "JAX vmap over the 64 models (compiled epoch)", "torch-func": "PyTorch torch.func vmap (stack_module_state)"}
ALL = ("W1", "W2", "W3", "T1", "T2", "S1", "S2")


# Training workers are pinned to one core: XLA starts worker threads whatever its flags say
# (JAX's CPU time was 1.8 x its wall time on W3 without this). With --threads N they are
# pinned to the first N cores.
PIN = ["taskset", "-c", "0"] if shutil.which("taskset") else []


def threads(n):
    """The environment for N threads in every system (W1-W3 with --threads)."""
    if n == 1:
        return ONE_THREAD
    return dict(ONE_THREAD, OMP_NUM_THREADS=str(n), OPENBLAS_NUM_THREADS=str(n), MKL_NUM_THREADS=str(n), GRADBOOK_BENCH_THREADS=str(n),
                XLA_FLAGS=f"--xla_cpu_multi_thread_eigen=true intra_op_parallelism_threads={n}")


class Worker:
    """A long-lived process answering one JSON line per command line."""

    def __init__(self, name, argv, env, pinned=False):
        self.name = name
        self.process = subprocess.Popen((PIN if pinned else []) + argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True, env=env, cwd=ROOT)

    def ask(self, command):
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.name} ended: {self.process.stderr.read()[-2000:]}")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"{self.name}: {answer['error']}")
        return answer

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=60)


def start_peer(peer, python, env):
    """A peer's worker, or None (said on stderr) when its library cannot be imported."""
    if not python:
        return None
    worker = Worker(peer, [python, os.path.join(PEERS, "peers.py"), peer], env, pinned=peer != "mlflow")
    line = worker.process.stdout.readline()
    if not line.startswith('{"ready"'):
        reason = (worker.process.stderr.read().strip().splitlines() or ["it did not start"])[-1]
        print(f"  {peer}: not available, carrying on without it ({reason})", file=sys.stderr)
        return None
    return worker


def alternate(systems, reps, label):
    """Warm-up once each, then `reps` rounds of every system in turn, each round starting one
    system later: a system's place in the round moves its time (the one after a tracked run
    meets that run's writes still reaching the disk), so every system takes every place.
    systems: name -> callable."""
    results = {name: [] for name in systems}
    print(f"  {label}: warm-up", file=sys.stderr, flush=True)
    for name, run in systems.items():
        run(warmup=True)
    order = list(systems.items())
    for r in range(reps):
        print(f"  {label}: round {r + 1}/{reps}", file=sys.stderr, flush=True)
        for name, run in order[r % len(order):] + order[:r % len(order)]:
            results[name].append(run(warmup=False))
    return results


def summary(workload, system, answers, key="seconds", unit="s", per=None):
    values = [a[key] for a in answers]
    row = {"workload": workload, "system": system, "unit": unit, "reps": len(values),
           "median": statistics.median(values), "min": min(values), "max": max(values)}
    if per:
        row["per_epoch_ms"] = row["median"] / per * 1000
    last = answers[-1]
    if "cpu_seconds" in answers[0]:
        row["cpu_over_wall"] = statistics.median(a["cpu_seconds"] / a["seconds"] for a in answers)
    for k in ("train_loss", "test_loss", "test_accuracy", "compile_seconds"):
        if k in last:
            row[k] = last[k]
    return row


def machine():
    """The system, its cores, the processor (with its family and model: a virtual machine's "AMD
    EPYC" was a Zen 4 with AVX-512 in some sessions and a Zen 3 with AVX2 in others) and its
    widest vector instructions: the peers' compiled code uses them (XLA's AVX-512 on one machine,
    AVX2 on another), Gradbook's own loops eight lanes with AVX2, else four, so the ratios move
    with the machine."""
    cpu, vectors = "", ""
    try:
        lines = open("/proc/cpuinfo").read().splitlines()
        field = lambda name: next(l.split(":", 1)[1].strip() for l in lines if l.split(":", 1)[0].strip() == name)
        cpu = f"{field('model name')}, family {field('cpu family')} model {field('model')}, {float(field('cpu MHz')):.0f} MHz"
        flags = set(field("flags").split())
        vectors = next((name for flag, name in (("avx512f", "AVX-512"), ("avx2", "AVX2"), ("avx", "AVX"))
                        if flag in flags), "SSE")
    except (OSError, StopIteration, ValueError):
        pass
    return f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}" + (f" ({vectors})" if vectors else "")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=5, help="timed repetitions after the warm-up (default 5)")
    parser.add_argument("--only", default=",".join(ALL), help="workloads to run, comma-separated")
    parser.add_argument("--csv", default=os.path.join(BUILD, "side-by-side.csv"), help="where to write the table")
    parser.add_argument("--python", default=os.path.join(BUILD, "bench-venv", "bin", "python"),
                        help="the Python with the peers installed")
    parser.add_argument("--threads", type=int, default=1, help="threads per system for W1-W3 (default 1)")
    parser.add_argument("--t1-runs", type=int, default=200, help="T1's runs (default 200, as the issue says)")
    args = parser.parse_args()
    if args.reps < 1:
        parser.error(f"--reps must be at least 1, got {args.reps}")
    only = [w.strip() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in only if w not in ALL]
    if unknown:
        parser.error(f"unknown workload {unknown[0]!r}; expected some of {','.join(ALL)}")
    python = args.python if os.path.exists(args.python) else None
    if not python:
        print(f"no peer Python at {args.python}: Gradbook alone", file=sys.stderr)
    env = dict(os.environ, **ONE_THREAD)
    if args.threads < 1 or args.threads > (os.cpu_count() or 1):
        parser.error(f"--threads must be between 1 and the {os.cpu_count()} cores, got {args.threads}")
    if args.threads > 1 and PIN:
        PIN[2] = ",".join(str(i) for i in range(args.threads))
    training_env = dict(os.environ, **threads(args.threads))
    os.makedirs(WORK, exist_ok=True)
    tool = os.path.join(RELEASE, "side-by-side")
    pinned = Worker("gradbook", [tool, "serve"], training_env, pinned=True)
    gradbook = Worker("gradbook", [tool, "serve"], env)  # T1, T2: the store writes on its own thread
    rows = []

    # W1–W3: the training loop, Gradbook's bare engine against each peer from the same start.
    for w in [w for w in only if w in TRAINING]:
        description, peer_names = TRAINING[w]
        folder = os.path.join(WORK, w)
        subprocess.run([tool, "prepare", w, folder], check=True, env=env)
        epochs = json.load(open(os.path.join(folder, "meta.json")))["epochs"]
        print(f"{w}: {description}", file=sys.stderr)
        systems = {"gradbook": lambda warmup, w=w: pinned.ask(f"train {w}")}
        peers = {p: start_peer(p, python, training_env) for p in peer_names}
        for p, worker in peers.items():
            if worker:
                systems[p] = lambda warmup, worker=worker, folder=folder: worker.ask(f"train {folder}")
        results = alternate(systems, args.reps, w)
        for name, answers in results.items():
            rows.append(summary(w, name, answers, per=epochs))
        for worker in peers.values():
            if worker:
                worker.close()

    # T2: W2 tracked (every diagnostic, the store, snapshots every 10 epochs) against untracked;
    # between them, untracked with the diagnostics computed (what the store and Runner add is the rest).
    if "T2" in only:
        print("T2: W2 tracked against W2 untracked", file=sys.stderr)
        results = alternate({"gradbook-bare": lambda warmup: gradbook.ask("train W2"),
                             "gradbook-diagnosed": lambda warmup: gradbook.ask("diagnosed W2"),
                             "gradbook-tracked": lambda warmup: gradbook.ask("tracked W2")}, max(args.reps, 9), "T2")
        for name, answers in results.items():
            rows.append(summary("T2", name, answers, per=30))

    # S2: a sweep-sized workload, 64 configurations of W1 x 500 epochs in one process: Gradbook's
    # runs (bare one by one, bare in Lockstep groups of eight with and without the diagnostics,
    # tracked into the store one by one,
    # and tracked in Lockstep groups as `gradbook sweep` trains and records them) against
    # JAX and PyTorch training all 64 as one batched computation, from the same weights and minibatches.
    if "S2" in only:
        folder = os.path.join(WORK, "S2")
        subprocess.run([tool, "prepare", "S2", folder], check=True, env=env)
        print("S2: W1's net at 64 learning rates x 500 epochs, one process", file=sys.stderr)
        systems = {"gradbook-s2": lambda warmup: pinned.ask("sweep S2"),
                   "gradbook-s2-lockstep": lambda warmup: pinned.ask("lockstep-sweep S2"),
                   "gradbook-s2-diagnosed": lambda warmup: pinned.ask("diagnosed-lockstep-sweep S2"),
                   "gradbook-s2-tracked": lambda warmup: pinned.ask("tracked-sweep S2"),
                   "gradbook-s2-sweep": lambda warmup: pinned.ask("tracked-lockstep-sweep S2")}
        peers = {p: start_peer(p, python, env) for p in ("jax", "torch")}
        for p, worker in peers.items():
            if worker:
                systems[{"jax": "jax-vmap", "torch": "torch-func"}[p]] = lambda warmup, worker=worker: worker.ask(f"sweep {folder}")
        results = alternate(systems, max(1, min(args.reps, 3)), "S2")
        for name, answers in results.items():
            rows.append(summary("S2", name, answers, per=64 * 500))
        for worker in peers.values():
            if worker:
                worker.close()

    # T1: ingest rate, Gradbook's RunStore against MLflow's log_batch, both into SQLite.
    if "T1" in only:
        print(f"T1: {args.t1_runs} runs x 12 params x 100 epochs x 4 metrics", file=sys.stderr)
        systems = {"gradbook": lambda warmup: gradbook.ask(
            f"ingest {os.path.join(WORK, 't1-gradbook.sqlite')} {5 if warmup else args.t1_runs}")}
        mlflow = start_peer("mlflow", python, env)
        if mlflow:
            systems["mlflow"] = lambda warmup: mlflow.ask(f"ingest {os.path.join(WORK, 't1-mlflow')} {5 if warmup else args.t1_runs}")
            os.makedirs(os.path.join(WORK, "t1-mlflow"), exist_ok=True)
        results = alternate(systems, args.reps, "T1")
        for name, answers in results.items():
            rows.append(summary("T1", name, answers, key="rows_per_second", unit="rows/s"))
        if mlflow:
            mlflow.close()
    gradbook.close()
    pinned.close()

    # S1: the whole sweep, as commands: `gradbook sweep --jobs 2` against PyTorch + MLflow.
    if "S1" in only:
        print("S1: 4 activations x 4 learning rates x 2 seeds, 100 epochs, 2 at a time, tracked", file=sys.stderr)
        folder = os.path.join(WORK, "W1")
        if not os.path.exists(os.path.join(folder, "meta.json")):
            subprocess.run([tool, "prepare", "W1", folder], check=True, env=env)

        def timed(argv):
            start = time.perf_counter()
            subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
            return {"seconds": time.perf_counter() - start}

        def gradbook_sweep(warmup):
            with tempfile.TemporaryDirectory() as scratch:
                return timed([os.path.join(RELEASE, "gradbook"), "sweep", "--db", os.path.join(scratch, "s1.sqlite"),
                              "--epochs", "100", "--seeds", "2", "--jobs", "2"])

        def torch_mlflow(warmup):
            with tempfile.TemporaryDirectory() as scratch:
                return timed([python, os.path.join(PEERS, "sweep_torch_mlflow.py"), folder,
                              os.path.join(scratch, "mlflow.db"), "2"])

        systems = {"gradbook-sweep": gradbook_sweep}
        if python and subprocess.run([python, "-c", "import torch, mlflow"], capture_output=True).returncode == 0:
            systems["torch-mlflow"] = torch_mlflow
        else:
            print("  torch + mlflow: not available, carrying on without them", file=sys.stderr)
        results = alternate(systems, args.reps, "S1")
        for name, answers in results.items():
            rows.append(summary("S1", name, answers))

    report(rows, args.csv, args.threads)


def report(rows, path, threads=1):
    """Prints the table with peer / Gradbook ratios (higher = Gradbook faster) and writes the CSV."""
    base = {"W1": "gradbook", "W2": "gradbook", "W3": "gradbook", "T1": "gradbook", "T2": "gradbook-bare",
            "S1": "gradbook-sweep", "S2": "gradbook-s2-sweep"}
    for row in rows:
        ref = next(r for r in rows if r["workload"] == row["workload"] and r["system"] == base[row["workload"]])
        # Times: how many times Gradbook's (T2: tracked over untracked); rates: the other way round.
        row["ratio"] = ref["median"] / row["median"] if row["unit"] == "rows/s" else row["median"] / ref["median"]
    each = "one thread per system" if threads == 1 else f"{threads} threads per system for W1-W3, one for the rest"
    print(f"\n{time.strftime('%Y-%m-%d')} · {machine()} · {each}\n")
    print(f"{'workload':<8} {'system':<52} {'median':>12} {'min–max':>23} {'ms/epoch':>9} {'ratio':>8} {'cpu/wall':>8}  final test loss")
    for r in rows:
        unit = r["unit"]
        fmt = (lambda v: f"{v:,.0f}") if unit == "rows/s" else (lambda v: f"{v:.4f}")
        spread = f"{fmt(r['min'])}–{fmt(r['max'])}"
        per = f"{r['per_epoch_ms']:.3f}" if "per_epoch_ms" in r else ""
        loss = f"{r['test_loss']:.7f}" if "test_loss" in r else ""
        load = f"{r['cpu_over_wall']:.2f}" if "cpu_over_wall" in r else ""
        print(f"{r['workload']:<8} {LABELS.get(r['system'], r['system']):<52} {fmt(r['median']) + ' ' + unit:>12} "
              f"{spread:>23} {per:>9} {r['ratio']:>7.2f}x {load:>8}  {loss}")
    print("\nratio: the peer's median over Gradbook's for times (how many times slower than Gradbook); for T1 "
          "Gradbook's rows/s over the peer's; for T2 tracked over untracked.")
    columns = ["workload", "system", "unit", "reps", "median", "min", "max", "per_epoch_ms", "ratio", "cpu_over_wall", "train_loss",
               "test_loss", "test_accuracy", "compile_seconds"]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    print(f"written: {path}")


if __name__ == "__main__":
    main()
