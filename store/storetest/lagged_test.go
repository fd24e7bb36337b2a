package storetest_test

import (
	"context"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/store"
	"github.com/oauthapps/oauthapps/store/storetest"
)

func TestLaggedStampsNotificationsLagBeforeNow(t *testing.T) {
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	st := &storetest.Lagged{Capable: store.NewMemory(), Now: func() time.Time { return now }, Lag: 3 * time.Second}
	var got []store.Change
	stop := st.Watch(func(c store.Change) { got = append(got, c) })
	defer stop()
	if err := st.RevokeToken(context.Background(), "jti", now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Kind != store.TokenRevoked || !got[0].At.Equal(now.Add(-3*time.Second)) {
		t.Errorf("notifications %+v, want one of a revocation at %v", got, now.Add(-3*time.Second))
	}
}
