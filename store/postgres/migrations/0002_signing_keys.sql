-- The signing keys every instance shares, and the trigger that publishes
-- their changes on the schema's channel as "k:<kid>".
-- {{schema}} is replaced by the quoted schema name before this runs.

CREATE TABLE {{schema}}.signing_keys (
	kid         text COLLATE "C" PRIMARY KEY CHECK (kid <> ''),
	generation  bigint NOT NULL UNIQUE CHECK (generation > 0),
	algorithm   text NOT NULL,
	public_key  bytea NOT NULL CHECK (octet_length(public_key) > 0),
	private_key bytea,
	sign_from   timestamptz,
	created_at  timestamptz,
	version     bigint NOT NULL CHECK (version > 0)
);

CREATE FUNCTION {{schema}}.publish_signing_key_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	payload text := 'r:';
BEGIN
	IF TG_LEVEL = 'ROW' THEN
		IF TG_OP = 'DELETE' THEN
			payload := 'k:' || OLD.kid;
		ELSE
			payload := 'k:' || NEW.kid;
		END IF;
		IF octet_length(payload) > 7000 THEN
			payload := 'r:';
		END IF;
	END IF;
	PERFORM pg_catalog.pg_notify(TG_TABLE_SCHEMA || '.changes', payload);
	RETURN NULL;
END
$$;

CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE OR DELETE ON {{schema}}.signing_keys
FOR EACH ROW EXECUTE FUNCTION {{schema}}.publish_signing_key_change();

CREATE TRIGGER signing_keys_truncated AFTER TRUNCATE ON {{schema}}.signing_keys
FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.publish_signing_key_change();
