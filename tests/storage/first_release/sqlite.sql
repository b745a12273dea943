CREATE TABLE contribution (
	space VARCHAR NOT NULL, 
	day DATE NOT NULL, 
	member VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	count INTEGER NOT NULL, 
	PRIMARY KEY (space, day, member, kind)
)
 WITHOUT ROWID;

CREATE INDEX ix_contribution_member ON contribution (member);

CREATE TABLE decision (
	id INTEGER NOT NULL, 
	space VARCHAR NOT NULL, 
	platform VARCHAR NOT NULL, 
	workspace VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	poll_number INTEGER NOT NULL, 
	question TEXT NOT NULL, 
	kind VARCHAR NOT NULL, 
	method VARCHAR NOT NULL, 
	rule VARCHAR NOT NULL, 
	options TEXT NOT NULL, 
	status VARCHAR NOT NULL, 
	outcome TEXT NOT NULL, 
	anonymous BOOLEAN NOT NULL, 
	opened_at DATETIME NOT NULL, 
	closed_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_decision_space_closed_at ON decision (space, closed_at);

CREATE TABLE facilitator (
	space VARCHAR NOT NULL, 
	member VARCHAR NOT NULL, 
	PRIMARY KEY (space, member)
);

CREATE TABLE group_member (
	space VARCHAR NOT NULL, 
	slug VARCHAR NOT NULL, 
	member VARCHAR NOT NULL, 
	source VARCHAR NOT NULL, 
	PRIMARY KEY (space, slug, member)
);

CREATE INDEX ix_group_member_space_member ON group_member (space, member);

CREATE TABLE member_preference (
	member VARCHAR NOT NULL, 
	nudges BOOLEAN, 
	payments BOOLEAN, 
	last_nudged_at DATETIME, 
	PRIMARY KEY (member)
);

CREATE TABLE member_setting (
	member VARCHAR NOT NULL, 
	timezone VARCHAR, 
	PRIMARY KEY (member)
);

CREATE TABLE nudge_log (
	id INTEGER NOT NULL, 
	member VARCHAR NOT NULL, 
	space VARCHAR NOT NULL, 
	reason VARCHAR NOT NULL, 
	sent_at DATETIME NOT NULL, 
	poll_id INTEGER, 
	PRIMARY KEY (id)
);

CREATE INDEX ix_nudge_log_member ON nudge_log (member);

CREATE INDEX ix_nudge_log_space_sent_at ON nudge_log (space, sent_at);

CREATE TABLE poll (
	id INTEGER NOT NULL, 
	space VARCHAR NOT NULL, 
	platform VARCHAR NOT NULL, 
	workspace VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	number INTEGER NOT NULL, 
	creator VARCHAR NOT NULL, 
	question TEXT NOT NULL, 
	options TEXT NOT NULL, 
	kind VARCHAR NOT NULL, 
	method VARCHAR NOT NULL, 
	anonymous BOOLEAN NOT NULL, 
	show_results BOOLEAN NOT NULL, 
	quorum_count INTEGER, 
	quorum_percent FLOAT, 
	threshold FLOAT, 
	closes_at DATETIME, 
	max_picks INTEGER, 
	dots INTEGER, 
	reminders VARCHAR DEFAULT '' NOT NULL, 
	rule VARCHAR DEFAULT 'majority' NOT NULL, 
	quorum_each FLOAT, 
	status VARCHAR NOT NULL, 
	created_at DATETIME NOT NULL, 
	closed_at DATETIME, 
	closing_since DATETIME, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_poll_space_number UNIQUE (space, number)
);

CREATE INDEX ix_poll_status_closes_at ON poll (status, closes_at);

CREATE TABLE post_ref (
	"key" VARCHAR NOT NULL, 
	platform VARCHAR NOT NULL, 
	ref VARCHAR NOT NULL, 
	PRIMARY KEY ("key", platform)
);

CREATE TABLE schedule (
	id INTEGER NOT NULL, 
	space VARCHAR NOT NULL, 
	platform VARCHAR NOT NULL, 
	workspace VARCHAR NOT NULL, 
	channel VARCHAR NOT NULL, 
	number INTEGER NOT NULL, 
	creator VARCHAR NOT NULL, 
	text TEXT NOT NULL, 
	cron VARCHAR, 
	every_seconds INTEGER, 
	timezone VARCHAR NOT NULL, 
	options TEXT NOT NULL, 
	poll_seconds INTEGER, 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_schedule_space_number UNIQUE (space, number)
);

CREATE TABLE seen_event (
	digest BLOB NOT NULL, 
	seen_on DATE NOT NULL, 
	PRIMARY KEY (digest)
)
 WITHOUT ROWID;

CREATE INDEX ix_seen_event_seen_on ON seen_event (seen_on);

CREATE TABLE space_group (
	space VARCHAR NOT NULL, 
	slug VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	role VARCHAR, 
	PRIMARY KEY (space, slug)
);

CREATE TABLE space_member (
	space VARCHAR NOT NULL, 
	member VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	joined_at DATETIME NOT NULL, 
	PRIMARY KEY (space, member)
);

CREATE TABLE unreachable_member (
	member VARCHAR NOT NULL, 
	since DATETIME NOT NULL, 
	PRIMARY KEY (member)
);

CREATE TABLE balance_note (
	poll_id INTEGER NOT NULL, 
	sent_at DATETIME NOT NULL, 
	PRIMARY KEY (poll_id), 
	FOREIGN KEY(poll_id) REFERENCES poll (id)
);

CREATE TABLE ballot (
	id VARCHAR NOT NULL, 
	poll_id INTEGER NOT NULL, 
	voter_tag BLOB, 
	voter_name VARCHAR, 
	ballot TEXT NOT NULL, 
	voter_groups TEXT, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_ballot_poll_tag UNIQUE (poll_id, voter_tag), 
	FOREIGN KEY(poll_id) REFERENCES poll (id)
)
 WITHOUT ROWID;

CREATE TABLE idea (
	poll_id INTEGER NOT NULL, 
	number INTEGER NOT NULL, 
	text TEXT NOT NULL, 
	folded TEXT NOT NULL, 
	PRIMARY KEY (poll_id, number), 
	CONSTRAINT uq_idea_poll_folded UNIQUE (poll_id, folded), 
	FOREIGN KEY(poll_id) REFERENCES poll (id)
);

CREATE TABLE job (
	id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, 
	kind VARCHAR NOT NULL, 
	due_at DATETIME NOT NULL, 
	poll_id INTEGER, 
	schedule_id INTEGER, 
	data TEXT NOT NULL, 
	claimed_by VARCHAR, 
	lease_until DATETIME, 
	attempts INTEGER NOT NULL, 
	done_at DATETIME, 
	failed BOOLEAN NOT NULL, 
	last_error VARCHAR(200), 
	FOREIGN KEY(poll_id) REFERENCES poll (id), 
	FOREIGN KEY(schedule_id) REFERENCES schedule (id)
);

CREATE INDEX ix_job_pending ON job (due_at, id) WHERE done_at IS NULL;

CREATE INDEX ix_job_poll_id ON job (poll_id);

CREATE INDEX ix_job_schedule_id ON job (schedule_id);

CREATE TABLE participation (
	poll_id INTEGER NOT NULL, 
	member VARCHAR NOT NULL, 
	PRIMARY KEY (poll_id, member), 
	FOREIGN KEY(poll_id) REFERENCES poll (id)
)
 WITHOUT ROWID;

CREATE TABLE poll_secret (
	poll_id INTEGER NOT NULL, 
	salt BLOB NOT NULL, 
	PRIMARY KEY (poll_id), 
	FOREIGN KEY(poll_id) REFERENCES poll (id)
);

CREATE TABLE time_request (
	poll_id INTEGER NOT NULL, 
	member VARCHAR NOT NULL, 
	PRIMARY KEY (poll_id, member), 
	FOREIGN KEY(poll_id) REFERENCES poll (id)
);
