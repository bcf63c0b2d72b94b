-- Gradbook schema, version 8: a classifier's confusion matrices at its selected epoch (the
-- `best` snapshot's), on the test and the validation part; precision, recall, F1 and support
-- per class derived from them (F1 = 2TP / (2TP + FP + FN), 0 when undefined as scikit-learn's
-- zero_division=0; precision NULL when nothing is predicted as the class).
CREATE TABLE confusion (
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    split      TEXT NOT NULL CHECK (split IN ('test', 'validation')),
    epoch      INTEGER NOT NULL,
    actual     INTEGER NOT NULL,
    predicted  INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (run_id, split, actual, predicted)
) WITHOUT ROWID;

CREATE VIEW class_metrics AS
WITH per_class AS (
    SELECT c.run_id, c.split, c.epoch, c.actual AS class_index,
           SUM(CASE WHEN c.predicted = c.actual THEN c.count ELSE 0 END) AS tp,
           SUM(c.count) AS support,
           (SELECT SUM(p.count) FROM confusion p
             WHERE p.run_id = c.run_id AND p.split = c.split AND p.predicted = c.actual) AS predicted
    FROM confusion c
    GROUP BY c.run_id, c.split, c.actual
)
SELECT k.run_id, k.split, k.epoch, k.class_index,
       COALESCE(json_extract(r.input_transform, '$.classes[' || k.class_index || ']'), CAST(k.class_index AS TEXT)) AS class,
       CASE WHEN k.predicted > 0 THEN CAST(k.tp AS REAL) / k.predicted END AS precision,
       CASE WHEN k.support > 0 THEN CAST(k.tp AS REAL) / k.support END AS recall,
       CASE WHEN k.support + k.predicted > 0 THEN 2.0 * k.tp / (k.support + k.predicted) END AS f1,
       k.support
FROM per_class k JOIN runs r ON r.id = k.run_id;
