-- Every change's payload now says when the trigger ran, in microseconds
-- since the Unix epoch by the database server's clock, after its kind:
-- "a@<micros>:<app sid>", "t@<micros>:<token id>", "k@<micros>:<kid>" and
-- "r@<micros>:" (resync). Subscribers measure with it how late
-- notifications reach them (store.Change.At). Code from before this
-- migration reads such a payload as a resync: still correct, but its
-- caches start over at every change, so move every instance to the new
-- code before or together with the schema.
--
-- One function now publishes for all three tables; the signing keys'
-- triggers move to it and their own function goes.
CREATE OR REPLACE FUNCTION {{schema}}.publish_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	kind text := 'r';
	id   text := '';
BEGIN
	IF TG_LEVEL = 'ROW' THEN
		IF TG_TABLE_NAME = 'apps' THEN
			kind := 'a';
			IF TG_OP = 'DELETE' THEN
				id := OLD.sid;
			ELSE
				id := NEW.sid;
			END IF;
		ELSIF TG_TABLE_NAME = 'signing_keys' THEN
			kind := 'k';
			IF TG_OP = 'DELETE' THEN
				id := OLD.kid;
			ELSE
				id := NEW.kid;
			END IF;
		ELSE
			kind := 't';
			id := NEW.token_id;
		END IF;
		-- A payload must stay under 8000 bytes; a longer id is a resync.
		IF octet_length(id) > 7000 THEN
			kind := 'r';
			id := '';
		END IF;
	END IF;
	PERFORM pg_catalog.pg_notify(TG_TABLE_SCHEMA || '.changes',
		kind || '@' || (extract(epoch FROM clock_timestamp()) * 1000000)::bigint::text || ':' || id);
	RETURN NULL;
END
$$;

DROP TRIGGER signing_keys_changed ON {{schema}}.signing_keys;
DROP TRIGGER signing_keys_truncated ON {{schema}}.signing_keys;
DROP FUNCTION {{schema}}.publish_signing_key_change();

CREATE TRIGGER signing_keys_changed AFTER INSERT OR UPDATE OR DELETE ON {{schema}}.signing_keys
FOR EACH ROW EXECUTE FUNCTION {{schema}}.publish_change();

CREATE TRIGGER signing_keys_truncated AFTER TRUNCATE ON {{schema}}.signing_keys
FOR EACH STATEMENT EXECUTE FUNCTION {{schema}}.publish_change();
