-- A notebook as the first schema (version 1) left it: incidents,
-- verdicts and notes, no pins or change log.
CREATE TABLE incidents (
	alarm TEXT NOT NULL, fired INTEGER NOT NULL, recovered INTEGER,
	PRIMARY KEY (alarm, fired));
CREATE TABLE verdicts (
	alarm TEXT NOT NULL, fired INTEGER NOT NULL, event_id TEXT NOT NULL,
	kind TEXT NOT NULL CHECK (kind IN ('confirmed', 'dismissed')),
	call TEXT NOT NULL, event_time INTEGER NOT NULL,
	who TEXT NOT NULL, at INTEGER NOT NULL, reason TEXT NOT NULL,
	PRIMARY KEY (alarm, fired, event_id),
	FOREIGN KEY (alarm, fired) REFERENCES incidents);
CREATE TABLE notes (
	id INTEGER PRIMARY KEY, alarm TEXT NOT NULL, fired INTEGER NOT NULL,
	who TEXT NOT NULL, at INTEGER NOT NULL, text TEXT NOT NULL,
	FOREIGN KEY (alarm, fired) REFERENCES incidents);
INSERT INTO incidents VALUES ('web-5xx', 1741010400000, 1741010700000);
INSERT INTO verdicts VALUES ('web-5xx', 1741010400000, 'ev-revoke', 'confirmed', 'RevokeSecurityGroupIngress',
	1741010280000, 'ana', 1741010820000, 'the ALB lost its ingress rule');
INSERT INTO notes VALUES (1, 'web-5xx', 1741010400000, 'bob', 1741010760000, 'rolled the rule back by hand');
PRAGMA user_version = 1;
