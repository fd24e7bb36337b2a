package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/secret"
)

// TestConcurrentRotationsFromTwoInstances rotates one app's secret from
// both instances at once, in rounds. After each round no update is lost
// (the returned versions are exactly 2..1+n for n successful rotations,
// and the stored version is 1+n), the stored app holds the secrets of the
// last two versions only, and once notifications have arrived exactly
// those two, of all the secrets ever returned, verify on both instances.
func TestConcurrentRotationsFromTwoInstances(t *testing.T) {
	d := newDeployment(t)
	instances := []*oauthapp.Service{d.instance(t), d.instance(t)}
	ctx := context.Background()
	app, first := d.newApp(t, instances[0])
	const rounds, workers, perWorker = 5, 4, 3

	secrets := map[int64]rotated{1: {app.Secrets[0].ID, first}} // by the version that introduced it
	for round := range rounds {
		got := make([][]rotated, workers)
		versions := make([][]int64, workers)
		errs := together(workers, func(w int) error {
			svc := instances[w%len(instances)]
			for range perWorker {
				a, sec, err := svc.RotateSecret(ctx, d.owner, app.SID, oauthapp.Rotation{Grace: oauthapp.Grace(time.Hour)})
				if errors.Is(err, oauthapp.ErrConflict) {
					continue // gave up after its retries: not a write
				}
				if err != nil {
					return err
				}
				got[w] = append(got[w], rotated{sec.ID(), sec.Reveal()})
				versions[w] = append(versions[w], a.Version)
			}
			return nil
		})
		if err := errors.Join(errs...); err != nil {
			t.Fatal(err)
		}
		for w := range got {
			for i, v := range versions[w] {
				if _, dup := secrets[v]; dup {
					t.Fatalf("round %d: version %d returned twice", round, v)
				}
				secrets[v] = got[w][i]
			}
		}
		last := int64(len(secrets)) // versions 1..last if none was lost
		for v := range last {
			if _, ok := secrets[v+1]; !ok {
				t.Fatalf("round %d: %d successful writes but version %d never returned", round, last-1, v+1)
			}
		}
		stored, err := d.first.GetApp(ctx, app.SID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Version != last {
			t.Fatalf("round %d: stored version %d after %d successful writes, want %d", round, stored.Version, last-1, last)
		}
		if cur, prev := stored.Secrets.Current, stored.Secrets.Previous; cur.ID != secrets[last].id || prev.ID != secrets[last-1].id || !prev.Expires.After(time.Now()) {
			t.Fatalf("round %d: stored secrets %s, %s (until %v), want those of versions %d and %d",
				round, cur.ID, prev.ID, prev.Expires, last, last-1)
		}
		for i, svc := range instances {
			awaitVerifying(t, fmt.Sprintf("round %d, instance %d", round, i), svc, app.SID, secrets, last)
		}
	}
	t.Logf("%d successful rotations from %d workers on 2 instances", len(secrets)-1, workers)
}

// rotated is a secret a rotation returned: its public id and itself.
type rotated struct{ id, secret string }

// awaitVerifying waits until, of all the secrets, exactly those of
// versions last and last-1 authenticate on svc, and fails if that takes
// longer than refusalDeadline.
func awaitVerifying(t *testing.T, who string, svc *oauthapp.Service, appSID string, secrets map[int64]rotated, last int64) {
	t.Helper()
	start := time.Now()
	for {
		var verifying []int64
		for v, s := range secrets {
			_, err := svc.AuthenticateClient(context.Background(), appSID, s.secret, "")
			switch {
			case err == nil:
				verifying = append(verifying, v)
			case !errors.Is(err, oauthapp.ErrInvalidClient):
				t.Fatalf("%s: AuthenticateClient: %v", who, err)
			}
		}
		slices.Sort(verifying)
		if slices.Equal(verifying, []int64{last - 1, last}) {
			return
		}
		if time.Since(start) > refusalDeadline {
			t.Fatalf("%s: secrets of versions %v verify after %v, want those of %d and %d", who, verifying, refusalDeadline, last-1, last)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestHashUpgradeFromTwoInstances: after a deployment switches hashers,
// the first uses of an old secret on two instances at once store its new
// hash exactly once (one version bump, by compare-and-swap on the
// database), every request is authenticated, and later uses on either
// instance write nothing.
func TestHashUpgradeFromTwoInstances(t *testing.T) {
	d := newDeployment(t)
	ctx := context.Background()
	old := d.service(t, openStore(t, testPool(t), d.schema)) // secret.SHA256, the default
	app, sec := d.newApp(t, old)
	argon, err := secret.NewArgon2id(secret.WithArgon2Memory(64), secret.WithArgon2Time(1))
	if err != nil {
		t.Fatal(err)
	}
	instances := []*oauthapp.Service{
		d.service(t, openStore(t, testPool(t), d.schema), oauthapp.WithCache(cacheStale, 0), oauthapp.WithHasher(argon)),
		d.service(t, openStore(t, testPool(t), d.schema), oauthapp.WithCache(cacheStale, 0), oauthapp.WithHasher(argon)),
	}
	const workers = 8
	errs := together(workers, func(w int) error {
		_, err := instances[w%len(instances)].AuthenticateClient(ctx, app.SID, sec, "")
		return err
	})
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("a first use failed: %v", err)
	}
	upgraded, err := d.first.GetApp(ctx, app.SID)
	if err != nil {
		t.Fatal(err)
	}
	if upgraded.Version != app.Version+1 || !strings.HasPrefix(upgraded.Secrets.Current.Hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("after the first uses: version %d (want %d), hash of %q", upgraded.Version, app.Version+1, strings.SplitN(upgraded.Secrets.Current.Hash, "$", 3)[1])
	}
	if upgraded.Secrets.Current.ID != app.Secrets[0].ID || !upgraded.Secrets.Current.Created.Equal(app.Secrets[0].Created) {
		t.Fatalf("the upgraded slot is %s created %v, want %s created %v", upgraded.Secrets.Current.ID, upgraded.Secrets.Current.Created, app.Secrets[0].ID, app.Secrets[0].Created)
	}
	for i, svc := range instances {
		for range 3 {
			if _, err := svc.AuthenticateClient(ctx, app.SID, sec, ""); err != nil {
				t.Fatalf("instance %d after the upgrade: %v", i, err)
			}
		}
	}
	if after, err := d.first.GetApp(ctx, app.SID); err != nil || after.Version != upgraded.Version {
		t.Fatalf("later uses wrote: version %d, want %d (%v)", after.Version, upgraded.Version, err)
	}
}
