-- Gradbook schema, version 6: why a run ended before its planned last epoch without failing
-- (early stopping), and how grave each alert is: an alert's kind gives its usual severity, but
-- the monitor may judge one row milder or graver (a saturated layer whose gradient still flows
-- is a note; one that passes almost none on is a warning).
ALTER TABLE runs ADD COLUMN stop_reason TEXT;   -- 'early_stopped at epoch 57: …', NULL when it ran every epoch
ALTER TABLE alerts ADD COLUMN severity TEXT NOT NULL DEFAULT 'warning';   -- note | warning | critical
UPDATE alerts SET severity = 'critical' WHERE kind IN ('exploding', 'nan');

-- The summary says the gravest severity each alert reached.
DROP VIEW alert_summary;
CREATE VIEW alert_summary AS
SELECT run_id, kind, layer, MIN(epoch) AS first_epoch, MAX(epoch) AS last_epoch, COUNT(*) AS epochs,
       (SELECT a2.message FROM alerts a2 WHERE a2.run_id = a.run_id AND a2.kind = a.kind AND a2.layer = a.layer
        ORDER BY a2.epoch LIMIT 1) AS first_message,
       CASE MAX(CASE severity WHEN 'critical' THEN 2 WHEN 'warning' THEN 1 ELSE 0 END)
            WHEN 2 THEN 'critical' WHEN 1 THEN 'warning' ELSE 'note' END AS severity
FROM alerts a GROUP BY run_id, kind, layer;

-- One row per run, as before, and the honest numbers beside the optimistic ones: the epoch
-- Gradbook selects (the best validation loss when the run has a validation split, else the best
-- test loss; the earliest on ties), what selected it, and the test numbers at that epoch. The
-- filter language's selected(M) computes the same rule (Tracking/Catalogue/Selection.swift).
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
    SELECT run_id, MIN(value) AS best_val_loss FROM metrics WHERE name = 'val_loss' GROUP BY run_id
), val_epoch AS (
    SELECT m.run_id, MIN(m.epoch) AS epoch
    FROM metrics m JOIN val v ON v.run_id = m.run_id AND m.name = 'val_loss' AND m.value = v.best_val_loss
    GROUP BY m.run_id
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
