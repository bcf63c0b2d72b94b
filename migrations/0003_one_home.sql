-- Gradbook schema, version 3: each rule in one home.
--
-- Alert kinds: the list lives in the code (AlertKind), so `alerts` no longer repeats it in a
-- CHECK constraint (SQLite cannot alter a constraint: the table is rebuilt, rows kept).
-- Run status: a `running` run whose process died is marked `crashed` in `runs` by the next
-- gradbook command that opens the store (its pid on this host decides, a stale heartbeat
-- elsewhere); `run_status` now shows that stored status instead of guessing from the
-- heartbeat's age a second time.

DROP VIEW alert_summary;

CREATE TABLE alerts_rebuilt (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    epoch      INTEGER NOT NULL,
    kind       TEXT NOT NULL,
    layer      INTEGER NOT NULL,
    value      REAL,
    threshold  REAL,
    message    TEXT NOT NULL,
    PRIMARY KEY (run_id, kind, layer, epoch)
) WITHOUT ROWID;
INSERT INTO alerts_rebuilt (run_id, epoch, kind, layer, value, threshold, message)
    SELECT run_id, epoch, kind, layer, value, threshold, message FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_rebuilt RENAME TO alerts;
CREATE INDEX alerts_by_epoch ON alerts(run_id, epoch);

CREATE VIEW alert_summary AS
SELECT run_id, kind, layer, MIN(epoch) AS first_epoch, MAX(epoch) AS last_epoch, COUNT(*) AS epochs,
       (SELECT a2.message FROM alerts a2 WHERE a2.run_id = a.run_id AND a2.kind = a.kind AND a2.layer = a.layer
        ORDER BY a2.epoch LIMIT 1) AS first_message
FROM alerts a GROUP BY run_id, kind, layer;

DROP VIEW run_status;
CREATE VIEW run_status AS SELECT id AS run_id, status FROM runs;
