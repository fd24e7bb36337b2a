-- Whether an app's access tokens must be bound to a DPoP key (RFC 9449
-- section 5.2, dpop_bound_access_tokens). Every app stored before this
-- migration keeps bearer tokens. The change trigger needs no new column:
-- every UpdateApp moves version.
-- {{schema}} is replaced by the quoted schema name before this runs.

ALTER TABLE {{schema}}.apps
	ADD COLUMN dpop_bound_access_tokens boolean NOT NULL DEFAULT false;
