-- Gradbook schema, version 10: every metric of the catalogue (Tracking/Catalogue/Metric.swift)
-- is a column of `epochs`, so an epoch is one row. The validation loss and accuracy, the gradient
-- norms, the alert count and the task metrics join the losses and accuracies there; as rows of
-- `metrics` (nine to fourteen per epoch) they were most of what a sweep of small networks wrote
-- (Benchmarks/README.md, "Engine v2").
--
-- A metric outside the catalogue stays a row, now of `extra_metrics`. `metrics` becomes a view
-- that gives the moved columns and those rows in long form, as the table did: queries written
-- against the table (and the `curves` view) read it unchanged. Values are moved, never dropped:
-- a metric of an epoch without a row of `epochs` gets one.

ALTER TABLE epochs ADD COLUMN val_loss REAL;
ALTER TABLE epochs ADD COLUMN val_accuracy REAL;
ALTER TABLE epochs ADD COLUMN grad_norm REAL;
ALTER TABLE epochs ADD COLUMN grad_norm_max REAL;
ALTER TABLE epochs ADD COLUMN alerts REAL;
ALTER TABLE epochs ADD COLUMN test_macro_f1 REAL;
ALTER TABLE epochs ADD COLUMN test_auc REAL;
ALTER TABLE epochs ADD COLUMN test_rmse REAL;
ALTER TABLE epochs ADD COLUMN test_mae REAL;
ALTER TABLE epochs ADD COLUMN test_r2 REAL;
ALTER TABLE epochs ADD COLUMN val_macro_f1 REAL;
ALTER TABLE epochs ADD COLUMN val_auc REAL;
ALTER TABLE epochs ADD COLUMN val_rmse REAL;
ALTER TABLE epochs ADD COLUMN val_mae REAL;
ALTER TABLE epochs ADD COLUMN val_r2 REAL;

CREATE TABLE extra_metrics (
    run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch   INTEGER NOT NULL,
    name    TEXT NOT NULL,
    value   REAL,
    PRIMARY KEY (run_id, name, epoch)
) WITHOUT ROWID;

INSERT OR IGNORE INTO epochs (run_id, epoch, recorded_at)
    SELECT DISTINCT m.run_id, m.epoch, r.created_at FROM metrics m JOIN runs r ON r.id = m.run_id
    WHERE m.name IN ('val_loss', 'val_accuracy', 'grad_norm', 'grad_norm_max', 'alerts', 'test_macro_f1', 'test_auc', 'test_rmse', 'test_mae', 'test_r2', 'val_macro_f1', 'val_auc', 'val_rmse', 'val_mae', 'val_r2');

UPDATE epochs SET
    val_loss = p.val_loss,
    val_accuracy = p.val_accuracy,
    grad_norm = p.grad_norm,
    grad_norm_max = p.grad_norm_max,
    alerts = p.alerts,
    test_macro_f1 = p.test_macro_f1,
    test_auc = p.test_auc,
    test_rmse = p.test_rmse,
    test_mae = p.test_mae,
    test_r2 = p.test_r2,
    val_macro_f1 = p.val_macro_f1,
    val_auc = p.val_auc,
    val_rmse = p.val_rmse,
    val_mae = p.val_mae,
    val_r2 = p.val_r2
FROM (
    SELECT run_id, epoch,
           MAX(CASE WHEN name = 'val_loss'      THEN value END) AS val_loss,
           MAX(CASE WHEN name = 'val_accuracy'  THEN value END) AS val_accuracy,
           MAX(CASE WHEN name = 'grad_norm'     THEN value END) AS grad_norm,
           MAX(CASE WHEN name = 'grad_norm_max' THEN value END) AS grad_norm_max,
           MAX(CASE WHEN name = 'alerts'        THEN value END) AS alerts,
           MAX(CASE WHEN name = 'test_macro_f1' THEN value END) AS test_macro_f1,
           MAX(CASE WHEN name = 'test_auc'      THEN value END) AS test_auc,
           MAX(CASE WHEN name = 'test_rmse'     THEN value END) AS test_rmse,
           MAX(CASE WHEN name = 'test_mae'      THEN value END) AS test_mae,
           MAX(CASE WHEN name = 'test_r2'       THEN value END) AS test_r2,
           MAX(CASE WHEN name = 'val_macro_f1'  THEN value END) AS val_macro_f1,
           MAX(CASE WHEN name = 'val_auc'       THEN value END) AS val_auc,
           MAX(CASE WHEN name = 'val_rmse'      THEN value END) AS val_rmse,
           MAX(CASE WHEN name = 'val_mae'       THEN value END) AS val_mae,
           MAX(CASE WHEN name = 'val_r2'        THEN value END) AS val_r2
    FROM metrics WHERE name IN ('val_loss', 'val_accuracy', 'grad_norm', 'grad_norm_max', 'alerts', 'test_macro_f1', 'test_auc', 'test_rmse', 'test_mae', 'test_r2', 'val_macro_f1', 'val_auc', 'val_rmse', 'val_mae', 'val_r2') GROUP BY run_id, epoch
) AS p
WHERE p.run_id = epochs.run_id AND p.epoch = epochs.epoch;

-- The epochs that have a validation loss, by run: whether a run (or any run of the store) has
-- a validation curve is one seek, as it was in `metrics`' key (selection asks it of every run).
CREATE INDEX epochs_validated ON epochs(run_id) WHERE val_loss IS NOT NULL;

INSERT INTO extra_metrics (run_id, epoch, name, value)
    SELECT run_id, epoch, name, value FROM metrics WHERE name NOT IN ('val_loss', 'val_accuracy', 'grad_norm', 'grad_norm_max', 'alerts', 'test_macro_f1', 'test_auc', 'test_rmse', 'test_mae', 'test_r2', 'val_macro_f1', 'val_auc', 'val_rmse', 'val_mae', 'val_r2');
DROP TABLE metrics;

CREATE VIEW metrics AS
          SELECT run_id, epoch, 'val_loss'      AS name, val_loss      AS value FROM epochs WHERE val_loss IS NOT NULL
UNION ALL SELECT run_id, epoch, 'val_accuracy'  AS name, val_accuracy  AS value FROM epochs WHERE val_accuracy IS NOT NULL
UNION ALL SELECT run_id, epoch, 'grad_norm'     AS name, grad_norm     AS value FROM epochs WHERE grad_norm IS NOT NULL
UNION ALL SELECT run_id, epoch, 'grad_norm_max' AS name, grad_norm_max AS value FROM epochs WHERE grad_norm_max IS NOT NULL
UNION ALL SELECT run_id, epoch, 'alerts'        AS name, alerts        AS value FROM epochs WHERE alerts IS NOT NULL
UNION ALL SELECT run_id, epoch, 'test_macro_f1' AS name, test_macro_f1 AS value FROM epochs WHERE test_macro_f1 IS NOT NULL
UNION ALL SELECT run_id, epoch, 'test_auc'      AS name, test_auc      AS value FROM epochs WHERE test_auc IS NOT NULL
UNION ALL SELECT run_id, epoch, 'test_rmse'     AS name, test_rmse     AS value FROM epochs WHERE test_rmse IS NOT NULL
UNION ALL SELECT run_id, epoch, 'test_mae'      AS name, test_mae      AS value FROM epochs WHERE test_mae IS NOT NULL
UNION ALL SELECT run_id, epoch, 'test_r2'       AS name, test_r2       AS value FROM epochs WHERE test_r2 IS NOT NULL
UNION ALL SELECT run_id, epoch, 'val_macro_f1'  AS name, val_macro_f1  AS value FROM epochs WHERE val_macro_f1 IS NOT NULL
UNION ALL SELECT run_id, epoch, 'val_auc'       AS name, val_auc       AS value FROM epochs WHERE val_auc IS NOT NULL
UNION ALL SELECT run_id, epoch, 'val_rmse'      AS name, val_rmse      AS value FROM epochs WHERE val_rmse IS NOT NULL
UNION ALL SELECT run_id, epoch, 'val_mae'       AS name, val_mae       AS value FROM epochs WHERE val_mae IS NOT NULL
UNION ALL SELECT run_id, epoch, 'val_r2'        AS name, val_r2        AS value FROM epochs WHERE val_r2 IS NOT NULL
UNION ALL SELECT run_id, epoch, name, value FROM extra_metrics;

-- The summary's validation numbers, from the column.
DROP VIEW run_summary;
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
), val AS (
    SELECT run_id, MIN(val_loss) AS best_val_loss FROM epochs WHERE val_loss IS NOT NULL GROUP BY run_id
), val_epoch AS (
    SELECT e.run_id, MIN(e.epoch) AS epoch
    FROM epochs e JOIN val v ON v.run_id = e.run_id AND e.val_loss = v.best_val_loss
    GROUP BY e.run_id
), p AS (
    SELECT run_id,
           MAX(CASE WHEN name = 'dataset'          THEN value END) AS dataset,
           MAX(CASE WHEN name = 'layers'           THEN value END) AS layers,
           MAX(CASE WHEN name = 'activation'       THEN value END) AS activation,
           MAX(CASE WHEN name = 'initializer'      THEN value END) AS initializer,
           MAX(CASE WHEN name = 'optimizer'        THEN value END) AS optimizer,
           MAX(CASE WHEN name = 'lr'               THEN value END) AS lr,
           MAX(CASE WHEN name = 'lr_schedule'      THEN value END) AS lr_schedule,
           MAX(CASE WHEN name = 'batch_size'       THEN value END) AS batch_size,
           MAX(CASE WHEN name = 'epochs'           THEN value END) AS epochs,
           MAX(CASE WHEN name = 'l1'               THEN value END) AS l1,
           MAX(CASE WHEN name = 'l2'               THEN value END) AS l2,
           MAX(CASE WHEN name = 'dropout'          THEN value END) AS dropout,
           MAX(CASE WHEN name = 'batch_norm'       THEN value END) AS batch_norm,
           MAX(CASE WHEN name = 'noise'            THEN value END) AS noise,
           MAX(CASE WHEN name = 'train_ratio'      THEN value END) AS train_ratio,
           MAX(CASE WHEN name = 'validation_ratio' THEN value END) AS validation_ratio
    FROM params GROUP BY run_id
)
SELECT r.id AS run_id, r.uuid, r.name, x.name AS experiment, s.name AS sweep, r.sweep_index,
       r.status, r.created_at, r.started_at, r.ended_at, r.seed, COALESCE(last.epoch, 0) AS epochs_done, r.error,
       r.stop_reason,
       p.dataset, p.layers, p.activation, p.initializer, p.optimizer, p.lr, p.lr_schedule, p.batch_size, p.epochs,
       p.l1, p.l2, p.dropout, p.batch_norm, p.noise, p.train_ratio, p.validation_ratio,
       last.epoch AS final_epoch, last.train_loss AS final_train_loss, last.test_loss AS final_test_loss,
       last.train_accuracy AS final_train_accuracy, last.test_accuracy AS final_test_accuracy,
       best.best_test_loss, be.best_epoch AS best_test_loss_epoch, best.best_test_accuracy, best.best_train_loss,
       val.best_val_loss,
       CASE WHEN ve.epoch IS NOT NULL THEN 'val_loss' WHEN be.best_epoch IS NOT NULL THEN 'test_loss' END AS selected_on,
       COALESCE(ve.epoch, be.best_epoch) AS selected_epoch,
       sel.test_loss AS selected_test_loss, sel.test_accuracy AS selected_test_accuracy
FROM runs r
LEFT JOIN experiments x ON x.id = r.experiment_id
LEFT JOIN sweeps s ON s.id = r.sweep_id
LEFT JOIN p ON p.run_id = r.id
LEFT JOIN last ON last.run_id = r.id
LEFT JOIN best ON best.run_id = r.id
LEFT JOIN best_epoch be ON be.run_id = r.id
LEFT JOIN val ON val.run_id = r.id
LEFT JOIN val_epoch ve ON ve.run_id = r.id
LEFT JOIN epochs sel ON sel.run_id = r.id AND sel.epoch = COALESCE(ve.epoch, be.best_epoch);
