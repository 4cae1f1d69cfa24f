-- flexexplore results database, schema version 1 (PRAGMA user_version).
--
-- One SQLite file in WAL mode, foreign keys on.  The engine is its only
-- writer; reports and `flexexplore status` only read.  Times are UTC in
-- ISO 8601 ("2026-12-03T17:02:11Z").  Every table has an integer id.
--
-- A measurement is reused only when configuration (space name and
-- canonical name), OS revision, toolchain, host fingerprint and metric all
-- match: those five columns are the key of a measurement.

-- A machine, by its hardware fingerprint (CPU model, features, topology,
-- kernel); description is the fingerprint's details as a JSON object.
CREATE TABLE hosts (
	id INTEGER PRIMARY KEY,
	fingerprint TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '{}',
	first_seen TEXT NOT NULL
);

-- A revision of what is measured: the OS source (commit id, plus a hash of
-- uncommitted changes), or "replay:<sha256 of the file>" for replayed
-- results, or "sim:<model>" for the simulated evaluator.
CREATE TABLE revisions (
	id INTEGER PRIMARY KEY,
	revision TEXT NOT NULL UNIQUE,
	first_seen TEXT NOT NULL
);

-- A space file as loaded: a changed file is a new row.
CREATE TABLE spaces (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	digest TEXT NOT NULL,
	path TEXT NOT NULL,
	first_seen TEXT NOT NULL,
	UNIQUE (name, digest)
);

-- A configuration, by its canonical name.  One row per (space name,
-- canonical name): a configuration keeps its row when the space file
-- changes.  space_id is the space it was first seen in.
CREATE TABLE configurations (
	id INTEGER PRIMARY KEY,
	space_id INTEGER NOT NULL REFERENCES spaces (id),
	space_name TEXT NOT NULL,
	name TEXT NOT NULL,
	hash TEXT NOT NULL,
	compartments INTEGER NOT NULL,
	mechanism TEXT NOT NULL,
	score REAL NOT NULL,
	UNIQUE (space_name, name)
);
CREATE INDEX configurations_hash ON configurations (hash);

-- An image build.  status 'ok' has an image path, 'failed' a reason.
CREATE TABLE builds (
	id INTEGER PRIMARY KEY,
	config_id INTEGER NOT NULL REFERENCES configurations (id),
	revision_id INTEGER NOT NULL REFERENCES revisions (id),
	toolchain TEXT NOT NULL,
	host_id INTEGER NOT NULL REFERENCES hosts (id),
	status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
	reason TEXT,
	image TEXT,
	seconds REAL,
	created TEXT NOT NULL
);
CREATE INDEX builds_config ON builds (config_id);

-- One row per sample.  round numbers the measurement rounds of one key
-- (a configuration measured again because its interval straddled the
-- budget gets round 1, 2, ...); sample numbers the samples of a round.
-- exploration_id is the exploration that took it (NULL when imported).
CREATE TABLE measurements (
	id INTEGER PRIMARY KEY,
	config_id INTEGER NOT NULL REFERENCES configurations (id),
	revision_id INTEGER NOT NULL REFERENCES revisions (id),
	toolchain TEXT NOT NULL,
	host_id INTEGER NOT NULL REFERENCES hosts (id),
	metric TEXT NOT NULL,
	round INTEGER NOT NULL,
	sample INTEGER NOT NULL,
	value REAL NOT NULL,
	exploration_id INTEGER REFERENCES explorations (id),
	created TEXT NOT NULL,
	UNIQUE (config_id, revision_id, toolchain, host_id, metric, round,
		sample)
);

-- One exploration: the same command on the same space, evaluator,
-- revision, toolchain and host is the same exploration (column key), so a
-- rerun resumes it or answers from it.
--   budget        as given: "80%" or "500000"
--   budget_value  the number in the metric's unit, once the baseline is in
--   direction     'higher' (throughput) or 'lower' (latency) is better
--   status        'running', 'stopped' (interrupted or out of
--                 evaluations; a rerun resumes), 'finished', 'failed'
--   pid           the engine process while running
CREATE TABLE explorations (
	id INTEGER PRIMARY KEY,
	key TEXT NOT NULL UNIQUE,
	app TEXT NOT NULL,
	space_id INTEGER NOT NULL REFERENCES spaces (id),
	evaluator TEXT NOT NULL,
	revision_id INTEGER NOT NULL REFERENCES revisions (id),
	toolchain TEXT NOT NULL,
	host_id INTEGER NOT NULL REFERENCES hosts (id),
	metric TEXT NOT NULL,
	direction TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
	budget TEXT NOT NULL,
	budget_value REAL,
	baseline REAL,
	strategy TEXT NOT NULL,
	space_size REAL NOT NULL,
	status TEXT NOT NULL
		CHECK (status IN ('running', 'stopped', 'finished', 'failed')),
	message TEXT,
	started TEXT NOT NULL,
	finished TEXT,
	pid INTEGER,
	log_path TEXT
);

-- Every decision an exploration took, in order (seq from 1).
--   evaluated      measured (or reused from a matching measurement);
--                  value is the median, ci_low/ci_high its interval,
--                  samples how many, pass 1/0 against the budget
--   inferred-pass  meets the budget because a safer configuration did;
--                  source_config_id is that configuration
--   inferred-miss  misses because a less safe configuration missed
--   skipped        the host cannot run its mechanism (reason says which)
--   failed         build or run failed (reason)
--   uncertain      measured, but the interval still straddles the budget
--                  after the allowed repetitions
--   verified       an inferred configuration measured by --verify; pass
--                  is what was measured, reason says whether it
--                  contradicts the inference (a monotonicity violation)
-- Inferred rows are written only for configurations the engine names
-- (those on the border and the ones it reasoned about), never for the
-- whole space: in a large space most outcomes stay implicit in the
-- border (see db/README.md).
CREATE TABLE decisions (
	id INTEGER PRIMARY KEY,
	exploration_id INTEGER NOT NULL REFERENCES explorations (id)
		ON DELETE CASCADE,
	seq INTEGER NOT NULL,
	config_id INTEGER NOT NULL REFERENCES configurations (id),
	kind TEXT NOT NULL CHECK (kind IN ('evaluated', 'inferred-pass',
		'inferred-miss', 'skipped', 'failed', 'uncertain',
		'verified')),
	pass INTEGER,
	value REAL,
	ci_low REAL,
	ci_high REAL,
	samples INTEGER,
	source_config_id INTEGER REFERENCES configurations (id),
	reason TEXT,
	created TEXT NOT NULL,
	UNIQUE (exploration_id, seq)
);
CREATE INDEX decisions_config ON decisions (exploration_id, config_id);

-- The border of a finished exploration: maximal configurations meeting
-- the budget ('max-pass') and minimal ones missing it ('min-miss').
-- Written when the exploration finishes; the ranking reads 'max-pass'.
CREATE TABLE border (
	exploration_id INTEGER NOT NULL REFERENCES explorations (id)
		ON DELETE CASCADE,
	config_id INTEGER NOT NULL REFERENCES configurations (id),
	side TEXT NOT NULL CHECK (side IN ('max-pass', 'min-miss')),
	rank INTEGER,
	PRIMARY KEY (exploration_id, config_id)
);
