-- Gradbook schema, version 1: experiments, sweeps, runs, their hyperparameters, per-epoch
-- metrics, tags and notes, and views for plain-SQL users.
-- Times are UTC text 'YYYY-MM-DD HH:MM:SS.SSS', SQLite's own format, so that
-- datetime() and string comparison both work.

CREATE TABLE experiments (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL
);

CREATE TABLE sweeps (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL UNIQUE,
    experiment_id  INTEGER REFERENCES experiments(id),
    status         TEXT NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'running', 'finished', 'interrupted', 'failed')),
    method         TEXT NOT NULL,                  -- grid | random
    metric         TEXT NOT NULL,                  -- e.g. test_loss
    goal           TEXT NOT NULL,                  -- minimize | maximize
    spec           TEXT NOT NULL,                  -- JSON: the sweep as given
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- The sweep's expanded configurations, stored before its first run starts: what --resume
-- and the shards run, by index.
CREATE TABLE sweep_configs (
    sweep_id  INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    idx       INTEGER NOT NULL,
    settings  TEXT NOT NULL,                       -- JSON: the options that vary, by flag name
    config    TEXT NOT NULL,                       -- JSON: the whole run configuration
    PRIMARY KEY (sweep_id, idx)
) WITHOUT ROWID;

CREATE TABLE runs (
    id                INTEGER PRIMARY KEY,            -- the short id users type
    uuid              TEXT NOT NULL UNIQUE,           -- globally unique, survives merging stores
    name              TEXT,
    experiment_id     INTEGER REFERENCES experiments(id),
    sweep_id          INTEGER REFERENCES sweeps(id),
    sweep_index       INTEGER,                        -- which of the sweep's configurations
    status            TEXT NOT NULL
                      CHECK (status IN ('running', 'finished', 'failed', 'diverged', 'interrupted', 'crashed')),
    created_at        TEXT NOT NULL,
    started_at        TEXT,
    ended_at          TEXT,
    heartbeat_at      TEXT,
    pid               INTEGER,
    host              TEXT,
    seed              INTEGER,
    epochs_planned    INTEGER,
    config            TEXT NOT NULL,                  -- JSON: the whole recipe of the run
    error             TEXT,
    gradbook_version  TEXT NOT NULL
);
CREATE INDEX runs_by_status ON runs(status);
CREATE INDEX runs_by_experiment ON runs(experiment_id);
CREATE INDEX runs_by_sweep ON runs(sweep_id, sweep_index);

-- One row per hyperparameter. `value` has no declared type, so numbers stay numbers
-- (typeof = 'real' or 'integer', comparable with <) and text stays text.
CREATE TABLE params (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name    TEXT NOT NULL,
    value,
    PRIMARY KEY (run_id, name)
) WITHOUT ROWID;
CREATE INDEX params_by_name_value ON params(name, value);

-- The standard per-epoch metrics, one row per epoch; accuracies are NULL for regression.
CREATE TABLE epochs (
    run_id          INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch           INTEGER NOT NULL,
    train_loss      REAL,
    test_loss       REAL,
    train_accuracy  REAL,
    test_accuracy   REAL,
    learning_rate   REAL,
    seconds         REAL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (run_id, epoch)
) WITHOUT ROWID;

-- Any other named metric, per epoch.
CREATE TABLE metrics (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch   INTEGER NOT NULL,
    name    TEXT NOT NULL,
    value   REAL,
    PRIMARY KEY (run_id, name, epoch)
) WITHOUT ROWID;

CREATE TABLE tags (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    value   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;
CREATE INDEX tags_by_key_value ON tags(key, value);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX notes_by_run ON notes(run_id);

-- Runs with the status a reader should see: a `running` run whose heartbeat is more than
-- 60 seconds old has lost its process and shows as `crashed`.
CREATE VIEW run_status AS
SELECT r.id AS run_id,
       CASE WHEN r.status = 'running'
                 AND COALESCE(r.heartbeat_at, r.created_at) < strftime('%Y-%m-%d %H:%M:%f', 'now', '-60 seconds')
            THEN 'crashed' ELSE r.status END AS status
FROM runs r;

-- Curves in long form: one row per run, epoch and metric.
CREATE VIEW curves AS
          SELECT run_id, epoch, 'train_loss'     AS metric, train_loss     AS value FROM epochs WHERE train_loss IS NOT NULL
UNION ALL SELECT run_id, epoch, 'test_loss',                test_loss               FROM epochs WHERE test_loss IS NOT NULL
UNION ALL SELECT run_id, epoch, 'train_accuracy',           train_accuracy          FROM epochs WHERE train_accuracy IS NOT NULL
UNION ALL SELECT run_id, epoch, 'test_accuracy',            test_accuracy           FROM epochs WHERE test_accuracy IS NOT NULL
UNION ALL SELECT run_id, epoch, 'learning_rate',            learning_rate           FROM epochs WHERE learning_rate IS NOT NULL
UNION ALL SELECT run_id, epoch, 'seconds',                  seconds                 FROM epochs WHERE seconds IS NOT NULL
UNION ALL SELECT run_id, epoch, name,                       value                   FROM metrics;

-- One row per run: identity, status, the common hyperparameters as columns, and final and
-- best metrics. Other hyperparameters are in `params`.
CREATE VIEW run_summary AS
WITH last AS (
    SELECT e.* FROM epochs e
    JOIN (SELECT run_id, MAX(epoch) AS epoch FROM epochs GROUP BY run_id) m
      ON m.run_id = e.run_id AND m.epoch = e.epoch
), best AS (
    SELECT run_id, MIN(test_loss) AS best_test_loss, MAX(test_accuracy) AS best_test_accuracy,
           MIN(train_loss) AS best_train_loss
    FROM epochs GROUP BY run_id
), best_epoch AS (
    SELECT e.run_id, MIN(e.epoch) AS best_epoch
    FROM epochs e JOIN best b ON b.run_id = e.run_id AND e.test_loss = b.best_test_loss
    GROUP BY e.run_id
), p AS (
    SELECT run_id,
           MAX(CASE WHEN name = 'dataset'       THEN value END) AS dataset,
           MAX(CASE WHEN name = 'layers'        THEN value END) AS layers,
           MAX(CASE WHEN name = 'activation'    THEN value END) AS activation,
           MAX(CASE WHEN name = 'initializer'   THEN value END) AS initializer,
           MAX(CASE WHEN name = 'optimizer'     THEN value END) AS optimizer,
           MAX(CASE WHEN name = 'lr'            THEN value END) AS lr,
           MAX(CASE WHEN name = 'batch_size'    THEN value END) AS batch_size,
           MAX(CASE WHEN name = 'epochs'        THEN value END) AS epochs,
           MAX(CASE WHEN name = 'l1'            THEN value END) AS l1,
           MAX(CASE WHEN name = 'l2'            THEN value END) AS l2,
           MAX(CASE WHEN name = 'dropout'       THEN value END) AS dropout,
           MAX(CASE WHEN name = 'batch_norm'    THEN value END) AS batch_norm,
           MAX(CASE WHEN name = 'noise'         THEN value END) AS noise,
           MAX(CASE WHEN name = 'train_ratio'   THEN value END) AS train_ratio
    FROM params GROUP BY run_id
)
SELECT r.id AS run_id, r.uuid, r.name, x.name AS experiment, s.name AS sweep, r.sweep_index,
       st.status, r.created_at, r.started_at, r.ended_at, r.seed, COALESCE(last.epoch, 0) AS epochs_done, r.error,
       p.dataset, p.layers, p.activation, p.initializer, p.optimizer, p.lr, p.batch_size, p.epochs,
       p.l1, p.l2, p.dropout, p.batch_norm, p.noise, p.train_ratio,
       last.epoch AS final_epoch, last.train_loss AS final_train_loss, last.test_loss AS final_test_loss,
       last.train_accuracy AS final_train_accuracy, last.test_accuracy AS final_test_accuracy,
       best.best_test_loss, be.best_epoch AS best_test_loss_epoch, best.best_test_accuracy, best.best_train_loss
FROM runs r
JOIN run_status st ON st.run_id = r.id
LEFT JOIN experiments x ON x.id = r.experiment_id
LEFT JOIN sweeps s ON s.id = r.sweep_id
LEFT JOIN p ON p.run_id = r.id
LEFT JOIN last ON last.run_id = r.id
LEFT JOIN best ON best.run_id = r.id
LEFT JOIN best_epoch be ON be.run_id = r.id;
