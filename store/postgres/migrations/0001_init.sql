-- Apps, revoked token ids, and the triggers that publish their changes.
-- {{schema}} is replaced by the quoted schema name before this runs.

CREATE TABLE {{schema}}.apps (
	sid            text COLLATE "C" PRIMARY KEY CHECK (sid <> ''),
	account_sid    text COLLATE "C" NOT NULL CHECK (account_sid <> ''),
	region         text NOT NULL,
	friendly_name  text NOT NULL,
	description    text NOT NULL,
	created_by     text NOT NULL,
	created_at     timestamptz,
	updated_at     timestamptz,
	policy_allow   text[] NOT NULL,
	policy_deny    text[] NOT NULL,
	token_ttl_ns   bigint NOT NULL,
	cur_id         text NOT NULL,
	cur_hash       text NOT NULL,
	cur_created    timestamptz,
	cur_expires    timestamptz,
	cur_last_used  timestamptz,
	prev_id        text NOT NULL,
	prev_hash      text NOT NULL,
	prev_created   timestamptz,
	prev_expires   timestamptz,
	prev_last_used timestamptz,
	version        bigint NOT NULL CHECK (version > 0)
);

-- ListApps: one account's apps in SID order, keyset-paged.
CREATE INDEX apps_account_sid_sid ON {{schema}}.apps (account_sid, sid);

CREATE TABLE {{schema}}.revoked_tokens (
	token_id text COLLATE "C" PRIMARY KEY,
	expires  timestamptz NOT NULL
);

-- PurgeRevokedTokens: the entries whose expiry has passed.
CREATE INDEX revoked_tokens_expires ON {{schema}}.revoked_tokens (expires);

-- Every change is published on the channel "<schema>.changes", inside the
-- writing transaction, so listeners hear of it only once it has committed.
-- Payloads: "a:<app sid>", "t:<token id>", or "r:" (resync: anything may
-- have changed) when an id is too long for a payload or a table is
-- truncated.
CREATE FUNCTION {{schema}}.publish_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	payload text := 'r:';
BEGIN
	IF TG_LEVEL = 'ROW' THEN
		IF TG_TABLE_NAME = 'apps' THEN
			IF TG_OP = 'DELETE' THEN
				payload := 'a:' || OLD.sid;
			ELSE
				payload := 'a:' || NEW.sid;
			END IF;
		ELSE
			payload := 't:' || NEW.token_id;
		END IF;
		IF octet_length(payload) > 7000 THEN
			payload := 'r:';
		END IF;
	END IF;
	PERFORM pg_catalog.pg_notify(TG_TABLE_SCHEMA || '.changes', payload);
	RETURN NULL;
END
$$;

-- An update that changes only last-used times (TouchSecret, on every
-- client authentication) is not news to a cache and publishes nothing.
CREATE TRIGGER apps_updated AFTER UPDATE ON {{schema}}.apps
FOR EACH ROW WHEN (
	(OLD.sid, OLD.account_sid, OLD.region, OLD.friendly_name, OLD.description,
	 OLD.created_by, OLD.created_at, OLD.updated_at, OLD.policy_allow,
	 OLD.policy_deny, OLD.token_ttl_ns, OLD.cur_id, OLD.cur_hash,
	 OLD.cur_created, OLD.cur_expires, OLD.prev_id, OLD.prev_hash,
	 OLD.prev_created, OLD.prev_expires, OLD.version)
	IS DISTINCT FROM
	(NEW.sid, NEW.account_sid, NEW.region, NEW.friendly_name, NEW.description,
	 NEW.created_by, NEW.created_at, NEW.updated_at, NEW.policy_allow,
	 NEW.policy_deny, NEW.token_ttl_ns, NEW.cur_id, NEW.cur_hash,
	 NEW.cur_created, NEW.cur_expires, NEW.prev_id, NEW.prev_hash,
	 NEW.prev_created, NEW.prev_expires, NEW.version))
EXECUTE FUNCTION {{schema}}.publish_change();

CREATE TRIGGER apps_deleted AFTER DELETE ON {{schema}}.apps
FOR EACH ROW EXECUTE FUNCTION {{schema}}.publish_change();

CREATE TRIGGER apps_truncated AFTER TRUNCATE ON {{schema}}.apps
FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.publish_change();

CREATE TRIGGER revoked_tokens_revoked AFTER INSERT OR UPDATE ON {{schema}}.revoked_tokens
FOR EACH ROW EXECUTE FUNCTION {{schema}}.publish_change();

CREATE TRIGGER revoked_tokens_truncated AFTER TRUNCATE ON {{schema}}.revoked_tokens
FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.publish_change();
