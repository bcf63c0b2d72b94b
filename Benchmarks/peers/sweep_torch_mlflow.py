"""S1's peer: the default sweep (W1's network, 4 activations x 4 learning rates x 2 seeds, 100
epochs) as a PyTorch loop logging to MLflow with a SQLite backend, two runs at a time.

    python sweep_torch_mlflow.py DATA_DIR DB_PATH [JOBS]

DATA_DIR is what `side-by-side prepare W1` wrote (the same spiral as Gradbook's sweep). Each run
logs its 12 hyperparameters, then train/test loss and accuracy with one log_batch per epoch, as
Gradbook writes one transaction per epoch. Timed from the outside: the whole command.
"""
import itertools
import json
import multiprocessing
import os
import sys
import time

ACTIVATIONS = ["relu", "tanh", "sigmoid", "leaky_relu"]
RATES = [0.3, 0.1, 0.03, 0.01]
SEEDS = [1, 2]


def run(args):
    data_dir, db, activation, lr, seed = args
    import logging
    import numpy as np
    import torch
    from torch import nn
    from mlflow.entities import Metric, Param
    from mlflow.tracking import MlflowClient
    logging.getLogger("mlflow").setLevel(logging.ERROR)
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    meta = json.load(open(os.path.join(data_dir, "meta.json")))
    d = meta["features"]
    x = torch.from_numpy(np.fromfile(os.path.join(data_dir, "x_train.f32"), dtype=np.float32).reshape(-1, d))
    y = torch.from_numpy(np.fromfile(os.path.join(data_dir, "y_train.f32"), dtype=np.float32).reshape(-1, 1))
    xt = torch.from_numpy(np.fromfile(os.path.join(data_dir, "x_test.f32"), dtype=np.float32).reshape(-1, d))
    yt = torch.from_numpy(np.fromfile(os.path.join(data_dir, "y_test.f32"), dtype=np.float32).reshape(-1, 1))
    act = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "leaky_relu": nn.LeakyReLU}[activation]
    model = nn.Sequential(nn.Linear(d, 8), act(), nn.Linear(8, 8), act(), nn.Linear(8, 1))
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    loss_fn = nn.BCEWithLogitsLoss()
    client = MlflowClient(tracking_uri=f"sqlite:///{db}")
    experiment = client.get_experiment_by_name("s1").experiment_id
    rid = client.create_run(experiment, run_name=f"{activation}-{lr}-{seed}").info.run_id
    params = {"dataset": "spiral", "samples": 500, "train_ratio": 50, "layers": "8,8", "activation": activation,
              "optimizer": "sgd", "lr": lr, "batch_size": 10, "epochs": 100, "seed": seed, "initializer": "torch",
              "loss": "bce"}
    client.log_batch(rid, params=[Param(k, str(v)) for k, v in params.items()])
    generator = torch.Generator().manual_seed(seed)
    n = len(x)
    for epoch in range(1, 101):
        order = torch.randperm(n, generator=generator)
        total, correct = 0.0, 0.0
        for s in range(0, n, 10):
            idx = order[s:s + 10]
            opt.zero_grad()
            out = model(x[idx])
            loss = loss_fn(out, y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
            correct += ((out >= 0).float() == y[idx]).sum().item()
        with torch.no_grad():
            out = model(xt)
            test_loss = loss_fn(out, yt).item()
            test_acc = ((out >= 0).float() == yt).float().mean().item()
        ts = int(time.time() * 1000)
        client.log_batch(rid, metrics=[Metric("train_loss", total / n, ts, epoch), Metric("test_loss", test_loss, ts, epoch),
                                       Metric("train_accuracy", correct / n, ts, epoch),
                                       Metric("test_accuracy", test_acc, ts, epoch)])
    client.set_terminated(rid, "FINISHED")
    return test_loss


def main():
    data_dir, db = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    from mlflow.tracking import MlflowClient
    client = MlflowClient(tracking_uri=f"sqlite:///{db}")
    if client.get_experiment_by_name("s1") is None:
        client.create_experiment("s1", artifact_location=os.path.join(os.path.dirname(db), "artifacts"))
    configs = [(data_dir, db, a, lr, s) for a, lr, s in itertools.product(ACTIVATIONS, RATES, SEEDS)]
    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        losses = pool.map(run, configs, chunksize=1)
    print(json.dumps({"runs": len(losses), "best_test_loss": min(losses)}))


if __name__ == "__main__":
    main()
