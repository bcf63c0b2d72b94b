-- Gradbook schema, version 5: when a run's process started, so that another command on the same
-- host can tell that process from a later one given the same pid: a run is judged alive by its
-- pid and this mark, never by the age of a heartbeat written by a clock that may be behind.
ALTER TABLE runs ADD COLUMN process_start TEXT;   -- the host's boot id and the start time in clock ticks
