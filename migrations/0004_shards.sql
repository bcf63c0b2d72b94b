-- Gradbook schema, version 4: the slices of a sweep a file holds.
--
-- A shard file records the slice it runs (`ran`): running it again with another slice or
-- another number of slices is refused, and `--resume` on it runs exactly that slice. A store
-- that merged shards records their slices (`merged`), so `sweep status` can tell which array
-- tasks to submit again.
CREATE TABLE sweep_shards (
    sweep_id  INTEGER NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    slice     INTEGER NOT NULL,                  -- i of i/N, from 1
    slices    INTEGER NOT NULL,                  -- N
    origin    TEXT NOT NULL,                     -- ran | merged
    PRIMARY KEY (sweep_id, slice)
) WITHOUT ROWID;
