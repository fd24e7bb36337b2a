-- Client keys (private_key_jwt, RFC 7523) and resource URIs (RFC 8707) on
-- apps, and the set of client assertion ids already used.
-- {{schema}} is replaced by the quoted schema name before this runs.

-- client_keys is a JSON array of {"id", "alg", "key", "created"}; the
-- last-used time of each key lives apart, in client_keys_used (an object
-- from key id to time), so that TouchClientKey writes only that column
-- and the change trigger can leave it out.
ALTER TABLE {{schema}}.apps
	ADD COLUMN resources        text[] NOT NULL DEFAULT '{}',
	ADD COLUMN client_keys      jsonb  NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(client_keys) = 'array'),
	ADD COLUMN client_keys_used jsonb  NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(client_keys_used) = 'object');

-- The update trigger now also watches resources and client keys; their
-- last-used times stay out, as the secrets' do.
DROP TRIGGER apps_updated ON {{schema}}.apps;
CREATE TRIGGER apps_updated AFTER UPDATE ON {{schema}}.apps
FOR EACH ROW WHEN (
	(OLD.sid, OLD.account_sid, OLD.region, OLD.friendly_name, OLD.description,
	 OLD.created_by, OLD.created_at, OLD.updated_at, OLD.policy_allow,
	 OLD.policy_deny, OLD.token_ttl_ns, OLD.cur_id, OLD.cur_hash,
	 OLD.cur_created, OLD.cur_expires, OLD.prev_id, OLD.prev_hash,
	 OLD.prev_created, OLD.prev_expires, OLD.version, OLD.resources,
	 OLD.client_keys)
	IS DISTINCT FROM
	(NEW.sid, NEW.account_sid, NEW.region, NEW.friendly_name, NEW.description,
	 NEW.created_by, NEW.created_at, NEW.updated_at, NEW.policy_allow,
	 NEW.policy_deny, NEW.token_ttl_ns, NEW.cur_id, NEW.cur_hash,
	 NEW.cur_created, NEW.cur_expires, NEW.prev_id, NEW.prev_hash,
	 NEW.prev_created, NEW.prev_expires, NEW.version, NEW.resources,
	 NEW.client_keys))
EXECUTE FUNCTION {{schema}}.publish_change();

-- One row per assertion a client used, kept until the assertion expires,
-- so that a replay on any instance sharing the database fails.
CREATE TABLE {{schema}}.assertion_ids (
	client_id text COLLATE "C" NOT NULL CHECK (client_id <> ''),
	jti       text COLLATE "C" NOT NULL CHECK (jti <> ''),
	expires   timestamptz NOT NULL,
	PRIMARY KEY (client_id, jti)
);

-- PurgeAssertionIDs: the entries whose expiry has passed.
CREATE INDEX assertion_ids_expires ON {{schema}}.assertion_ids (expires);
