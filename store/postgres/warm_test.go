package postgres

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/store/storetest"
)

// TestWarmInstanceAuthorizesWithoutDatabaseReads: once an instance with a
// cache has read an app and the revoked set, it authorizes tokens it has
// never seen, issued by another instance, with no database read; and a
// revocation made through the other instance reaches it by notification,
// still with no read.
func TestWarmInstanceAuthorizesWithoutDatabaseReads(t *testing.T) {
	d := newDeployment(t)
	writer := d.instance(t)
	st := storetest.NewReadCounter(openStore(t, testPool(t), d.schema))
	reader := d.service(t, st, oauthapp.WithCache(cacheStale, 0))
	app, sec := d.newApp(t, writer)
	accept(t, "warming up", d.authorizes(reader, issue(t, writer, app.SID, sec), nil))

	before := st.Reads()
	var last string
	for range 20 {
		last = issue(t, writer, app.SID, sec)
		accept(t, "warm instance", d.authorizes(reader, last, nil))
	}
	if n := st.Reads() - before; n != 0 {
		t.Errorf("the warm instance read the database %d times authorizing 20 new tokens", n)
	}

	client, err := writer.AuthenticateClient(context.Background(), app.SID, sec, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := writer.Revoke(context.Background(), client, last); err != nil {
		t.Fatal(err)
	}
	awaitRefusal(t, time.Now(), d.authorizes(reader, last, oauthapp.ErrTokenRevoked))
	if n := st.Reads() - before; n != 0 {
		t.Errorf("the warm instance read the database %d times to learn of a revocation", n)
	}
}
