-- Gradbook schema, version 9: the latest checkpoint of a run — everything its trainer needs to
-- continue after that epoch exactly as if it had never stopped (weights, the optimiser's
-- moments, the update count, the generators' states, the schedule's state) — so that an
-- interrupted or crashed run resumes where it was instead of from epoch 0. One row per run,
-- replaced as the run goes on.
CREATE TABLE checkpoints (
    run_id      INTEGER PRIMARY KEY REFERENCES runs(id) ON DELETE CASCADE,
    epoch       INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    state       BLOB NOT NULL
);
