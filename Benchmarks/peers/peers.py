"""The peers' side of the side-by-side benchmarks: PyTorch, JAX, scikit-learn, numpy, MLflow.

    python peers.py PEER        (PEER: torch | jax | sklearn | numpy | mlflow)

A worker: reads commands on stdin and answers one JSON line each, so that the driver
(side_by_side.py) can alternate it with Gradbook's worker without paying imports per
repetition.

    train DIR     train the workload that `side-by-side prepare` wrote into DIR: its data,
                  its initial weights and its minibatch order; the training loop alone is timed
                  (every epoch: the minibatch steps, then the loss and accuracy on the test set,
                  as Gradbook's trainer does)
    sweep DIR     (jax, torch) S2: the workload's net at every learning rate of meta["lrs"], all
                  models as one batched computation (jax.vmap inside the compiled epoch;
                  torch.func's stack_module_state + vmap), same weights and minibatches; the
                  answer's losses are the means over the models
    ingest DIR [N]  (mlflow) T1: N (200) runs x 12 params x 100 epochs x 4 metrics, log_batch once per
                  epoch, into a SQLite backend in DIR

Every peer runs on one thread (the driver sets the thread variables before the import).
"""
import json
import os
import sys
import time


def load(folder):
    import numpy as np
    meta = json.load(open(os.path.join(folder, "meta.json")))
    d, k = meta["features"], meta["outputs"]

    def arr(name, dtype=np.float32):
        return np.fromfile(os.path.join(folder, name), dtype=dtype)

    data = {
        "x_train": arr("x_train.f32").reshape(-1, d), "y_train": arr("y_train.f32").reshape(-1, k),
        "x_test": arr("x_test.f32").reshape(-1, d), "y_test": arr("y_test.f32").reshape(-1, k),
        "order": arr("order.i32", np.int32).reshape(meta["epochs"], -1).astype(np.int64),
        "weights": [arr(f"w{i}.f32").reshape(a, b) for i, (a, b) in enumerate(zip(meta["widths"], meta["widths"][1:]))],
        "biases": [arr(f"b{i}.f32") for i in range(len(meta["widths"]) - 1)],
    }
    return meta, data


def batches(meta):
    n, b = meta["train"], meta["batch"]
    return [(s, min(s + b, n)) for s in range(0, n, b)]


class Clock:
    """Wall time and the CPU time of every thread of the process, to tell a peer that used more
    than the one core it was given."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self):
        return time.perf_counter() - self.wall, time.process_time() - self.cpu


def result(clock, epochs, train_loss, test_loss, test_accuracy):
    seconds, cpu = clock
    return {"seconds": seconds, "cpu_seconds": cpu, "epochs": epochs, "train_loss": float(train_loss),
            "test_loss": float(test_loss), "test_accuracy": float(test_accuracy)}


# ---------------------------------------------------------------------------- PyTorch eager

def torch_model(meta, data):
    """The workload's network as a PyTorch module, from Gradbook's initial weights."""
    from torch import nn
    import torch
    widths = meta["widths"]
    act = {"tanh": nn.Tanh, "relu": nn.ReLU}[meta["activation"]]
    mods = []
    for i, (w, b) in enumerate(zip(data["weights"], data["biases"])):
        lin = nn.Linear(widths[i], widths[i + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w.T.copy()))
            lin.bias.copy_(torch.from_numpy(b))
        mods.append(lin)
        if i < len(data["weights"]) - 1:
            mods.append(act())
    return nn.Sequential(*mods)


def train_torch(meta, data):
    import torch
    from torch import nn
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))   # 1 unless side_by_side.py --threads
    model = torch_model(meta, data)
    binary = meta["head"] == "bce"
    x, xt = torch.from_numpy(data["x_train"]), torch.from_numpy(data["x_test"])
    if binary:
        y, yt = torch.from_numpy(data["y_train"]), torch.from_numpy(data["y_test"])
        loss_fn = nn.BCEWithLogitsLoss()
    else:
        y, yt = torch.from_numpy(data["y_train"].argmax(1)), torch.from_numpy(data["y_test"].argmax(1))
        loss_fn = nn.CrossEntropyLoss()
    lr = meta["lr"]
    opt = {"sgd": lambda p: torch.optim.SGD(p, lr=lr),
           "momentum": lambda p: torch.optim.SGD(p, lr=lr, momentum=0.9),
           "adam": lambda p: torch.optim.Adam(p, lr=lr)}[meta["optimizer"]](model.parameters())
    order = torch.from_numpy(data["order"])
    spans = batches(meta)
    n = meta["train"]
    clock = Clock()
    for e in range(meta["epochs"]):
        total = 0.0
        for s, t in spans:
            idx = order[e, s:t]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * (t - s)
        with torch.no_grad():
            out = model(xt)
            test_loss = loss_fn(out, yt).item()
            correct = ((out >= 0).float() == yt).float().mean() if binary else (out.argmax(1) == yt).float().mean()
            acc = correct.item()
    return result(clock.stop(), meta["epochs"], total / n, test_loss, acc)


# ---------------------------------------------------------------------------- numpy by hand

def train_numpy(meta, data):
    import numpy as np
    ws = [w.copy() for w in data["weights"]]
    bs = [b.copy() for b in data["biases"]]
    params = [p for pair in zip(ws, bs) for p in pair]
    m1 = [np.zeros_like(p) for p in params]
    m2 = [np.zeros_like(p) for p in params]
    tanh = meta["activation"] == "tanh"
    binary = meta["head"] == "bce"
    lr, kind = np.float32(meta["lr"]), meta["optimizer"]
    x, y, xt, yt = data["x_train"], data["y_train"], data["x_test"], data["y_test"]

    def forward(xb):
        outs = [xb]
        for i, (w, b) in enumerate(zip(ws, bs)):
            a = outs[-1] @ w + b
            if i < len(ws) - 1:
                a = np.tanh(a) if tanh else np.maximum(a, 0)
            outs.append(a)
        return outs

    def head(z, yb):
        if binary:
            p = 1 / (1 + np.exp(-z))
            loss = np.mean(np.maximum(z, 0) - z * yb + np.log1p(np.exp(-np.abs(z))))
            return loss, (p - yb) / z.size, ((z >= 0) == (yb >= 0.5)).mean()
        z = z - z.max(1, keepdims=True)
        e = np.exp(z)
        p = e / e.sum(1, keepdims=True)
        loss = -np.mean(np.sum(yb * (z - np.log(e.sum(1, keepdims=True))), 1))
        return loss, (p - yb) / len(z), (z.argmax(1) == yb.argmax(1)).mean()

    step = 0
    n = meta["train"]
    clock = Clock()
    for e in range(meta["epochs"]):
        total = 0.0
        for s, t in batches(meta):
            idx = data["order"][e, s:t]
            outs = forward(x[idx])
            loss, g, _ = head(outs[-1], y[idx])
            total += loss * (t - s)
            grads = []
            for i in range(len(ws) - 1, -1, -1):
                grads[:0] = [outs[i].T @ g, g.sum(0)]
                if i > 0:
                    g = g @ ws[i].T
                    g = g * (1 - outs[i] ** 2) if tanh else g * (outs[i] > 0)
            step += 1
            for p, gp, m, v in zip(params, grads, m1, m2):
                if kind == "sgd":
                    p -= lr * gp
                elif kind == "momentum":
                    m *= 0.9
                    m += gp
                    p -= lr * m
                else:
                    m *= 0.9
                    m += 0.1 * gp
                    v *= 0.999
                    v += 0.001 * gp * gp
                    c1, c2 = 1 - 0.9 ** step, 1 - 0.999 ** step
                    p -= (lr / c1) * m / (np.sqrt(v) / np.sqrt(c2) + 1e-8)
        test_loss, _, acc = head(forward(xt)[-1], yt)
    return result(clock.stop(), meta["epochs"], total / n, test_loss, acc)


# ---------------------------------------------------------------------------- JAX, epoch compiled

def jax_model(meta):
    """The workload's network and loss as JAX functions of (params, x) and (params, x, y)."""
    import jax
    import jax.numpy as jnp
    tanh = meta["activation"] == "tanh"
    binary = meta["head"] == "bce"

    def forward(params, xb):
        a = xb
        for i, (w, b) in enumerate(params):
            a = a @ w + b
            if i < len(params) - 1:
                a = jnp.tanh(a) if tanh else jax.nn.relu(a)
        return a

    def loss_fn(params, xb, yb):
        z = forward(params, xb)
        if binary:
            return jnp.mean(jnp.maximum(z, 0) - z * yb + jnp.log1p(jnp.exp(-jnp.abs(z))))
        return -jnp.mean(jnp.sum(yb * jax.nn.log_softmax(z), 1))

    return forward, loss_fn


def train_jax(meta, data):
    import jax
    import jax.numpy as jnp
    import numpy as np
    binary = meta["head"] == "bce"
    lr, kind = meta["lr"], meta["optimizer"]
    params = [(jnp.asarray(w), jnp.asarray(b)) for w, b in zip(data["weights"], data["biases"])]

    forward, loss_fn = jax_model(meta)

    grad = jax.value_and_grad(loss_fn)

    def update(state, xb, yb):
        params, m, v, t = state
        loss, g = grad(params, xb, yb)
        t = t + 1
        flat, tree = jax.tree_util.tree_flatten(params)
        gf, mf, vf = tree.flatten_up_to(g), tree.flatten_up_to(m), tree.flatten_up_to(v)
        out_p, out_m, out_v = [], [], []
        for p, gp, mp, vp in zip(flat, gf, mf, vf):
            if kind == "sgd":
                p = p - lr * gp
            elif kind == "momentum":
                mp = 0.9 * mp + gp
                p = p - lr * mp
            else:
                mp = 0.9 * mp + 0.1 * gp
                vp = 0.999 * vp + 0.001 * gp * gp
                c1, c2 = 1 - 0.9 ** t, 1 - 0.999 ** t
                p = p - (lr / c1) * mp / (jnp.sqrt(vp) / jnp.sqrt(c2) + 1e-8)
            out_p.append(p); out_m.append(mp); out_v.append(vp)
        new = (tree.unflatten(out_p), tree.unflatten(out_m), tree.unflatten(out_v), t)
        return new, loss

    x, y = jnp.asarray(data["x_train"]), jnp.asarray(data["y_train"])
    xt, yt = jnp.asarray(data["x_test"]), jnp.asarray(data["y_test"])
    b, n = meta["batch"], meta["train"]
    full = n // b

    @jax.jit
    def epoch(state, idx):
        def body(state, rows):
            state, loss = update(state, x[rows], y[rows])
            return state, loss
        state, losses = jax.lax.scan(body, state, idx[: full * b].reshape(full, b))
        return state, jnp.sum(losses) * b

    @jax.jit
    def last(state, idx):
        state, loss = update(state, x[idx], y[idx])
        return state, loss * idx.shape[0]

    @jax.jit
    def evaluate(params):
        z = forward(params, xt)
        acc = jnp.mean((z >= 0) == (yt >= 0.5)) if binary else jnp.mean(z.argmax(1) == yt.argmax(1))
        return loss_fn(params, xt, yt), acc

    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state0 = (params, zeros, zeros, jnp.float32(0))
    order = [jnp.asarray(o.astype(np.int32)) for o in data["order"]]
    # Compile outside the timing (reported apart: JAX pays it once per process).
    compile_start = time.perf_counter()
    s, _ = epoch(state0, order[0])
    if full * b < n:
        s, _ = last(s, order[0][full * b:])
    jax.block_until_ready(evaluate(s[0]))
    compile_seconds = time.perf_counter() - compile_start
    state = state0
    clock = Clock()
    for e in range(meta["epochs"]):
        state, total = epoch(state, order[e])
        if full * b < n:
            state, rest = last(state, order[e][full * b:])
            total = total + rest
        test_loss, acc = evaluate(state[0])
        test_loss, acc, total = float(test_loss), float(acc), float(total)
    r = result(clock.stop(), meta["epochs"], total / n, test_loss, acc)
    r["compile_seconds"] = compile_seconds
    return r


# ---------------------------------------------------------------------------- S2: a sweep as one computation

def sweep_jax(meta, data):
    """Every learning rate's model at once: the SGD step vmapped over the stacked parameters and
    rates, inside a compiled `lax.scan` over the epoch's minibatches."""
    import jax
    import jax.numpy as jnp
    import numpy as np
    lrs = jnp.asarray(np.asarray(meta["lrs"], dtype=np.float32))
    m = lrs.shape[0]
    params = [(jnp.tile(jnp.asarray(w)[None], (m, 1, 1)), jnp.tile(jnp.asarray(b)[None], (m, 1)))
              for w, b in zip(data["weights"], data["biases"])]

    _, loss_fn = jax_model(meta)

    def step(params, lr, xb, yb):
        loss, g = jax.value_and_grad(loss_fn)(params, xb, yb)
        return jax.tree_util.tree_map(lambda p, gp: p - lr * gp, params, g), loss

    vstep = jax.vmap(step, in_axes=(0, 0, None, None))
    x, y = jnp.asarray(data["x_train"]), jnp.asarray(data["y_train"])
    xt, yt = jnp.asarray(data["x_test"]), jnp.asarray(data["y_test"])
    b, n = meta["batch"], meta["train"]
    full = n // b
    assert full * b == n, "S2's training set is whole minibatches"

    @jax.jit
    def epoch(params, idx):
        def body(params, rows):
            return vstep(params, lrs, x[rows], y[rows])
        params, losses = jax.lax.scan(body, params, idx.reshape(full, b))
        return params, jnp.sum(losses, 0) * b

    @jax.jit
    def evaluate(params):
        return jax.vmap(loss_fn, in_axes=(0, None, None))(params, xt, yt)

    order = [jnp.asarray(o.astype(np.int32)) for o in data["order"]]
    compile_start = time.perf_counter()
    p, _ = epoch(params, order[0])
    jax.block_until_ready(evaluate(p))
    compile_seconds = time.perf_counter() - compile_start
    clock = Clock()
    for e in range(meta["epochs"]):
        params, totals = epoch(params, order[e])
        test = evaluate(params)
        jax.block_until_ready(test)
    test, totals = np.asarray(test), np.asarray(totals)
    r = result(clock.stop(), meta["epochs"] * m, float(totals.mean()) / n, float(test.mean()), 0.0)
    r["compile_seconds"] = compile_seconds
    return r


def sweep_torch(meta, data):
    """Every learning rate's model at once, as PyTorch's model ensembling tutorial does it:
    `stack_module_state`, then `vmap` of `grad` over a `functional_call`."""
    import copy
    import torch
    from torch import nn
    from torch.func import functional_call, grad_and_value, stack_module_state, vmap
    torch.set_num_threads(1)

    lrs = torch.tensor(meta["lrs"], dtype=torch.float32)
    m = lrs.shape[0]
    models = [torch_model(meta, data) for _ in range(m)]
    params, buffers = stack_module_state(models)
    params = {k: v.detach() for k, v in params.items()}
    base = copy.deepcopy(models[0]).to("meta")
    bce = nn.BCEWithLogitsLoss()

    def loss_one(p, bu, xb, yb):
        return bce(functional_call(base, (p, bu), (xb,)), yb)

    step = vmap(grad_and_value(loss_one), in_dims=(0, 0, None, None))
    evaluate = vmap(loss_one, in_dims=(0, 0, None, None))
    x, y = torch.from_numpy(data["x_train"]), torch.from_numpy(data["y_train"])
    xt, yt = torch.from_numpy(data["x_test"]), torch.from_numpy(data["y_test"])
    order = torch.from_numpy(data["order"])
    spans = batches(meta)
    n = meta["train"]
    scale = {k: lrs.view(-1, *([1] * (v.dim() - 1))) for k, v in params.items()}
    clock = Clock()
    for e in range(meta["epochs"]):
        totals = torch.zeros(m)
        for s_, t in spans:
            idx = order[e, s_:t]
            grads, losses = step(params, buffers, x[idx], y[idx])
            with torch.no_grad():
                for k in params:
                    params[k] = params[k] - scale[k] * grads[k]
            totals += losses.detach() * (t - s_)
        with torch.no_grad():
            test = evaluate(params, buffers, xt, yt)
    return result(clock.stop(), meta["epochs"] * m, float(totals.mean()) / n, float(test.mean()), 0.0)


SWEEPS = {"torch": sweep_torch, "jax": sweep_jax}


# ---------------------------------------------------------------------------- scikit-learn

def train_sklearn(meta, data):
    import numpy as np
    from sklearn.neural_network import MLPClassifier
    binary = meta["head"] == "bce"
    y = data["y_train"][:, 0].astype(int) if binary else data["y_train"].argmax(1)
    yt = data["y_test"][:, 0].astype(int) if binary else data["y_test"].argmax(1)
    kind = meta["optimizer"]
    clf = MLPClassifier(hidden_layer_sizes=tuple(meta["widths"][1:-1]), activation=meta["activation"],
                        solver="adam" if kind == "adam" else "sgd", learning_rate_init=meta["lr"],
                        momentum=0.9 if kind == "momentum" else 0.0, nesterovs_momentum=False,
                        batch_size=meta["batch"], alpha=0.0, shuffle=False, random_state=0)
    classes = np.arange(2 if binary else meta["outputs"])
    # partial_fit once to build the model, then start from Gradbook's weights with a new optimiser.
    clf.partial_fit(data["x_train"][:meta["batch"]], y[:meta["batch"]], classes=classes)
    clf.coefs_ = [w.astype(np.float32).copy() for w in data["weights"]]
    clf.intercepts_ = [b.astype(np.float32).copy() for b in data["biases"]]
    del clf._optimizer
    x = data["x_train"]
    clock = Clock()
    for e in range(meta["epochs"]):
        idx = data["order"][e]
        clf.partial_fit(x[idx], y[idx])  # one epoch, minibatches in this order (shuffle=False)
        p = clf.predict_proba(data["x_test"])
        p1 = np.clip(p[np.arange(len(yt)), yt], 1e-12, 1)
        test_loss = -np.mean(np.log(p1))
        acc = np.mean(p.argmax(1) == yt)
    return result(clock.stop(), meta["epochs"], clf.loss_, test_loss, acc)


# ---------------------------------------------------------------------------- MLflow ingest (T1)

def ingest_mlflow(folder, runs=200, epochs=100):
    import logging
    import shutil
    import tempfile
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    # A new file each time: MLflow keeps its engine per URI, so a file removed and made again
    # under the same name would still be read through the old connection.
    for old in os.listdir(folder):
        shutil.rmtree(os.path.join(folder, old), ignore_errors=True)
    scratch = tempfile.mkdtemp(dir=folder)
    client = MlflowClient(tracking_uri=f"sqlite:///{os.path.join(scratch, 'mlflow.db')}")
    experiment = client.create_experiment("t1", artifact_location=os.path.join(scratch, "artifacts"))
    start = time.perf_counter()
    for r in range(runs):
        run = client.create_run(experiment)
        rid = run.info.run_id
        client.log_batch(rid, params=[Param(f"param_{p}", str(r * 0.001 + p) if p % 2 == 0 else f"value-{r % 7}")
                                      for p in range(12)])
        for e in range(1, epochs + 1):
            x = e / epochs
            ts = int(time.time() * 1000)
            client.log_batch(rid, metrics=[Metric("train_loss", 1 / (1 + x), ts, e), Metric("test_loss", 1.1 / (1 + x), ts, e),
                                           Metric("train_accuracy", x * 0.9, ts, e), Metric("test_accuracy", x * 0.85, ts, e)])
        client.set_terminated(rid, "FINISHED")
    seconds = time.perf_counter() - start
    rows = runs * epochs * 4
    return {"seconds": seconds, "rows": rows, "rows_per_second": rows / seconds}


TRAINERS = {"torch": train_torch, "jax": train_jax, "sklearn": train_sklearn, "numpy": train_numpy}


def main():
    peer = sys.argv[1]
    if peer in TRAINERS:
        __import__({"sklearn": "sklearn.neural_network"}.get(peer, peer))
    elif peer == "mlflow":
        import mlflow  # noqa: F401
    else:
        sys.exit(f"unknown peer '{peer}'; expected one of {sorted(TRAINERS) + ['mlflow']}")
    print(json.dumps({"ready": peer}), flush=True)
    for line in sys.stdin:
        words = line.split()
        if len(words) < 2:
            continue
        try:
            if words[0] == "train" and peer in TRAINERS:
                meta, data = load(words[1])
                answer = TRAINERS[peer](meta, data)
            elif words[0] == "sweep" and peer in SWEEPS:
                meta, data = load(words[1])
                answer = SWEEPS[peer](meta, data)
            elif words[0] == "ingest" and peer == "mlflow":
                answer = ingest_mlflow(words[1], runs=int(words[2]) if len(words) > 2 else 200)
            else:
                answer = {"error": f"{peer} does not do '{words[0]}'"}
        except Exception as error:  # reported to the driver, which carries on
            answer = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
