-- Gradbook schema, version 11: the file says in its header that it is a Gradbook store
-- (SQLite's application id, bytes 68-71 of the file: "GRBK"). `file` and other tools can tell
-- a store from other SQLite files, and Gradbook checks a file so marked on the connection that
-- will write it, before anything is written, instead of through a read-only connection opened
-- and closed first (Benchmarks/README.md, "Engine v2").
PRAGMA application_id = 1196573259;
