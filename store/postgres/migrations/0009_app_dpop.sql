-- Whether an app's access tokens must be bound to a DPoP key (RFC 9449
-- section 5.2, dpop_bound_access_tokens). Every app stored before this
-- migration keeps bearer tokens. The change trigger lists the columns it
-- watches, so it is made again with this one too, beside 0008's: every
-- instance drops its cached copy of the app when the setting changes.
-- {{schema}} is replaced by the quoted schema name before this runs.
ALTER TABLE {{schema}}.apps
	ADD COLUMN dpop_bound_access_tokens boolean NOT NULL DEFAULT false;

DROP TRIGGER apps_updated ON {{schema}}.apps;
CREATE TRIGGER apps_updated AFTER UPDATE ON {{schema}}.apps
FOR EACH ROW WHEN (
	(OLD.sid, OLD.account_sid, OLD.region, OLD.friendly_name, OLD.description,
	 OLD.created_by, OLD.created_at, OLD.updated_at, OLD.policy_allow,
	 OLD.policy_deny, OLD.token_ttl_ns, OLD.cur_id, OLD.cur_hash,
	 OLD.cur_created, OLD.cur_expires, OLD.prev_id, OLD.prev_hash,
	 OLD.prev_created, OLD.prev_expires, OLD.version, OLD.resources,
	 OLD.client_keys, OLD.federated_credentials, OLD.dpop_bound_access_tokens)
	IS DISTINCT FROM
	(NEW.sid, NEW.account_sid, NEW.region, NEW.friendly_name, NEW.description,
	 NEW.created_by, NEW.created_at, NEW.updated_at, NEW.policy_allow,
	 NEW.policy_deny, NEW.token_ttl_ns, NEW.cur_id, NEW.cur_hash,
	 NEW.cur_created, NEW.cur_expires, NEW.prev_id, NEW.prev_hash,
	 NEW.prev_created, NEW.prev_expires, NEW.version, NEW.resources,
	 NEW.client_keys, NEW.federated_credentials, NEW.dpop_bound_access_tokens))
EXECUTE FUNCTION {{schema}}.publish_change();
