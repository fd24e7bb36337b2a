-- A new app is published too, as AppChanged with its SID, so that an
-- instance that cached "no such app" for that SID (oauthapp.WithCache)
-- drops the entry at once instead of at the end of its staleness bound.
-- {{schema}} is replaced by the quoted schema name before this runs.
CREATE TRIGGER apps_created AFTER INSERT ON {{schema}}.apps
FOR EACH ROW EXECUTE FUNCTION {{schema}}.publish_change();
