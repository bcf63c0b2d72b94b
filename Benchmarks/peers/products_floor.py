"""What W3's matrix products alone take on one core: the floor under an epoch whose layers are
split between N threads (each thread its 1/N of every layer's units, as Gradbook's team splits
them), with nothing else of a step counted.

    OPENBLAS_NUM_THREADS=1 taskset -c 1 python products_floor.py [N ...]

For each N (default 1 and 2) it times, through numpy's OpenBLAS on the calling thread, one
epoch's products of one thread's part of W3 (784-256-128-10, batch 64, 20,000 training rows:
313 steps of the forward, weight-gradient and input-gradient products; the 5,000 test rows'
forward pass in chunks of 256) and prints the best of three in ms, with the GFLOP/s reached.
A layer narrower than 16 units a thread is one thread's whole, as in Gradbook.
"""
import sys
import time

import numpy as np

LAYERS = [(784, 256), (256, 128), (128, 10)]
STEPS, BATCH, TEST, CHUNK = 313, 64, 5000, 256


def part(units, threads):
    """One thread's units of a layer: a share in multiples of 16, or the whole when too narrow."""
    return units // threads // 16 * 16 if units >= 16 * threads else units


def products(threads):
    """(m, k, n) of one thread's products in one training step and in one test chunk."""
    step, chunk = [], []
    for i, (inputs, units) in enumerate(LAYERS):
        mine = part(units, threads)
        step += [(BATCH, inputs, mine), (inputs, BATCH, mine)]  # forward; weight gradient
        if i > 0:
            step.append((BATCH, units, part(inputs, threads)))  # input gradient of the layer below
        chunk.append((CHUNK, inputs, mine))
    return step, chunk


def floor(threads, rounds=3):
    step, chunk = products(threads)
    f = np.float32
    pairs = [(np.random.rand(m, k).astype(f), np.random.rand(k, n).astype(f)) for m, k, n in step]
    tests = [(np.random.rand(m, k).astype(f), np.random.rand(k, n).astype(f)) for m, k, n in chunk]
    chunks = (TEST + CHUNK - 1) // CHUNK
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(STEPS):
            for a, b in pairs:
                a @ b
        for _ in range(chunks):
            for a, b in tests:
                a @ b
        best = min(best, time.perf_counter() - start)
    flops = 2 * (STEPS * sum(m * k * n for m, k, n in step) + chunks * sum(m * k * n for m, k, n in chunk))
    print(f"W3, one thread's part of {threads}: products {best * 1000:.0f} ms an epoch, "
          f"{flops / 1e9:.1f} GFLOP at {flops / best / 1e9:.0f} GFLOP/s")


if __name__ == "__main__":
    for n in [int(a) for a in sys.argv[1:]] or [1, 2]:
        floor(n)
