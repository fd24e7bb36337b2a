-- Federated credentials (workload identity federation) on apps: a JSON
-- array of {"id", "name", "issuer", "subject", "audience", "description",
-- "created"}. They change only through an app update, so the change
-- trigger now watches the column too: every instance drops its cached
-- copy of the app when a credential is added or removed.
-- {{schema}} is replaced by the quoted schema name before this runs.
ALTER TABLE {{schema}}.apps
	ADD COLUMN federated_credentials jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(federated_credentials) = 'array');

DROP TRIGGER apps_updated ON {{schema}}.apps;
CREATE TRIGGER apps_updated AFTER UPDATE ON {{schema}}.apps
FOR EACH ROW WHEN (
	(OLD.sid, OLD.account_sid, OLD.region, OLD.friendly_name, OLD.description,
	 OLD.created_by, OLD.created_at, OLD.updated_at, OLD.policy_allow,
	 OLD.policy_deny, OLD.token_ttl_ns, OLD.cur_id, OLD.cur_hash,
	 OLD.cur_created, OLD.cur_expires, OLD.prev_id, OLD.prev_hash,
	 OLD.prev_created, OLD.prev_expires, OLD.version, OLD.resources,
	 OLD.client_keys, OLD.federated_credentials)
	IS DISTINCT FROM
	(NEW.sid, NEW.account_sid, NEW.region, NEW.friendly_name, NEW.description,
	 NEW.created_by, NEW.created_at, NEW.updated_at, NEW.policy_allow,
	 NEW.policy_deny, NEW.token_ttl_ns, NEW.cur_id, NEW.cur_hash,
	 NEW.cur_created, NEW.cur_expires, NEW.prev_id, NEW.prev_hash,
	 NEW.prev_created, NEW.prev_expires, NEW.version, NEW.resources,
	 NEW.client_keys, NEW.federated_credentials))
EXECUTE FUNCTION {{schema}}.publish_change();
