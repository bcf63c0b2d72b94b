-- Gradbook schema, version 2: gradient-health diagnostics, alerts and weight snapshots,
-- written in the same transaction as their epoch.

-- Per layer and epoch. Gradient norms are L2 norms of ∂loss/∂W (and ∂loss/∂b), mean and max
-- over the epoch's steps. Activation statistics come from the epoch's training forward
-- passes; eval_* from the optional end-of-epoch pass with the final weights.
CREATE TABLE layer_health (
    run_id                   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch                    INTEGER NOT NULL,
    layer                    INTEGER NOT NULL,     -- 0 = first hidden layer; the output layer last
    units                    INTEGER NOT NULL,
    activation               TEXT NOT NULL,
    grad_norm_mean           REAL,
    grad_norm_max            REAL,
    bias_grad_norm_mean      REAL,
    bias_grad_norm_max       REAL,
    weight_norm              REAL,
    update_ratio             REAL,                 -- ‖W_end − W_start‖ / ‖W_end‖ over the epoch
    act_mean                 REAL,
    act_std                  REAL,
    dead_units               INTEGER,              -- ReLU family only
    dead_fraction            REAL,
    saturated_fraction       REAL,                 -- sigmoid and tanh only
    eval_act_mean            REAL,
    eval_act_std             REAL,
    eval_dead_units          INTEGER,
    eval_saturated_fraction  REAL,
    PRIMARY KEY (run_id, epoch, layer)
) WITHOUT ROWID;

-- One row per alert and epoch while it persists; layer is -1 for the whole run (nan).
CREATE TABLE alerts (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch      INTEGER NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('vanishing', 'exploding', 'dead_relu', 'saturation', 'nan')),
    layer      INTEGER NOT NULL,
    value      REAL,
    threshold  REAL,
    message    TEXT NOT NULL,
    PRIMARY KEY (run_id, kind, layer, epoch)
) WITHOUT ROWID;
CREATE INDEX alerts_by_epoch ON alerts(run_id, epoch);

-- Epochs with a weight snapshot, and why it was kept.
CREATE TABLE snapshots (
    run_id   INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch    INTEGER NOT NULL,                     -- 0 = the initial weights
    initial  INTEGER NOT NULL DEFAULT 0,
    every    INTEGER NOT NULL DEFAULT 0,           -- --snapshot-every N
    best     INTEGER NOT NULL DEFAULT 0,           -- lowest test loss so far
    final    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;

-- The tensors: float32 little-endian, row-major, with their shape as a JSON array.
CREATE TABLE snapshot_tensors (
    run_id  INTEGER NOT NULL,
    epoch   INTEGER NOT NULL,
    layer   INTEGER NOT NULL,
    name    TEXT NOT NULL,                         -- weight, bias, gamma, beta, running_mean, running_var
    shape   TEXT NOT NULL,
    dtype   TEXT NOT NULL DEFAULT 'float32',
    data    BLOB NOT NULL,
    PRIMARY KEY (run_id, epoch, layer, name),
    FOREIGN KEY (run_id, epoch) REFERENCES snapshots(run_id, epoch) ON DELETE CASCADE
) WITHOUT ROWID;

-- Each alert once per run and layer: where it first appeared, where it was last seen.
CREATE VIEW alert_summary AS
SELECT run_id, kind, layer, MIN(epoch) AS first_epoch, MAX(epoch) AS last_epoch, COUNT(*) AS epochs,
       (SELECT a2.message FROM alerts a2 WHERE a2.run_id = a.run_id AND a2.kind = a.kind AND a2.layer = a.layer
        ORDER BY a2.epoch LIMIT 1) AS first_message
FROM alerts a GROUP BY run_id, kind, layer;
