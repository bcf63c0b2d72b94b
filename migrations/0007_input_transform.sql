-- Gradbook schema, version 7: what turned a run's raw data into its network's inputs (input
-- columns by name, feature crosses, the standardiser fitted on the training part, the classes),
-- as JSON, so that a snapshot is a model: predict and eval apply it to new data, never fitting
-- anything again. NULL for runs recorded before it existed.
ALTER TABLE runs ADD COLUMN input_transform TEXT;
