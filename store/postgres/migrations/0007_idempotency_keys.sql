-- Idempotency keys of the management API, shared by every instance: the
-- request that used a key first and, once answered, its answer, sealed by
-- the service under the host's key-encryption key (the table never holds
-- a client secret in plain text). A row lapses at its expiry: a minute
-- after its claim while the request runs, a day after the answer.
-- {{schema}} is replaced by the quoted schema name before this runs.
CREATE TABLE {{schema}}.idempotency_keys (
	account_sid text COLLATE "C" NOT NULL CHECK (account_sid <> ''),
	key         text COLLATE "C" NOT NULL CHECK (key <> ''),
	request     bytea NOT NULL CHECK (octet_length(request) > 0),
	claim       text COLLATE "C" NOT NULL CHECK (claim <> ''),
	answer      bytea CHECK (octet_length(answer) > 0),
	expires     timestamptz NOT NULL,
	PRIMARY KEY (account_sid, key)
);

-- PurgeIdempotencyKeys: the rows whose expiry has passed.
CREATE INDEX idempotency_keys_expires ON {{schema}}.idempotency_keys (expires);
