-- An app's own default grace for rotations that name none; NULL is the
-- service default, so every app stored before this migration keeps using
-- it. Account and user ids need nothing here: account_sid and created_by
-- are text already, and the host's own ids (1 to 64 bytes) fit as they are.
-- The change trigger needs no new column: every UpdateApp moves version.

ALTER TABLE {{schema}}.apps
	ADD COLUMN default_grace_ns bigint CHECK (default_grace_ns >= 0);
