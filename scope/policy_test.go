package scope

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
)

func TestPolicyAllows(t *testing.T) {
	p, err := NewPolicy(
		[]string{"/demo/messaging/*", "/demo/voice/calls/read", "/demo/voice/calls.recordings/*"},
		[]string{"/demo/messaging/messages/delete", "/demo/messaging/media/*"},
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, perm string
		want       bool
	}{
		{"exact allow entry", "/demo/voice/calls/read", true},
		{"covered by an allow wildcard", "/demo/messaging/messages/read", true},
		{"covered by a resource wildcard", "/demo/voice/calls.recordings/list", true},
		{"exact deny wins over allow wildcard", "/demo/messaging/messages/delete", false},
		{"deny wildcard wins over allow wildcard", "/demo/messaging/media/read", false},
		{"sibling of an exact allow entry", "/demo/voice/calls/delete", false},
		{"other namespace", "/other/messaging/messages/read", false},
		{"sub-resource is not its parent", "/demo/voice/calls.recordings2/read", false},
		{"wildcard request is never allowed", "/demo/messaging/*", false},
		{"malformed permission is never allowed", "/demo/messaging/Messages/read", false},
		{"empty permission is never allowed", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.Allows(tt.perm); got != tt.want {
				t.Errorf("Allows(%q) = %v, want %v", tt.perm, got, tt.want)
			}
		})
	}
	t.Run("namespace wildcard covers every depth under it", func(t *testing.T) {
		ns, err := NewPolicy([]string{"/demo/*"}, []string{"/demo/voice/*"})
		if err != nil {
			t.Fatal(err)
		}
		if !ns.Allows("/demo/messaging/messages/read") || ns.Allows("/demo/voice/calls/read") || ns.Allows("/demox/a/b/c") {
			t.Error("namespace wildcard and its deny carve-out not applied")
		}
	})
	t.Run("zero policy allows nothing", func(t *testing.T) {
		var zero Policy
		if zero.Allows("/demo/messaging/messages/read") {
			t.Error("zero Policy allowed a permission")
		}
	})
}

func TestNewPolicyNormalises(t *testing.T) {
	tests := []struct {
		name                string
		allow, deny         []string
		wantAllow, wantDeny []string
		wantCarveOuts       bool
	}{
		{
			name:      "sorts and drops duplicates",
			allow:     []string{"/b/p/r/read", "/a/p/r/read", "/b/p/r/read"},
			wantAllow: []string{"/a/p/r/read", "/b/p/r/read"},
		},
		{
			name:      "drops entries covered by a wildcard of the same list",
			allow:     []string{"/a/p/r/read", "/a/p/*", "/a/*", "/b/p/r/read"},
			deny:      []string{"/c/p/*", "/c/p/r/read"},
			wantAllow: []string{"/a/*", "/b/p/r/read"},
			wantDeny:  []string{"/c/p/*"},
		},
		{
			name:      "drops allow entries a deny entry covers",
			allow:     []string{"/a/p/r/read", "/a/q/*", "/b/p/r/read"},
			deny:      []string{"/a/*"},
			wantAllow: []string{"/b/p/r/read"},
			wantDeny:  []string{"/a/*"},
		},
		{
			name:          "keeps a deny carved out of an allow wildcard",
			allow:         []string{"/a/*"},
			deny:          []string{"/a/p/r/delete"},
			wantAllow:     []string{"/a/*"},
			wantDeny:      []string{"/a/p/r/delete"},
			wantCarveOuts: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPolicy(tt.allow, tt.deny)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Allow(); !slices.Equal(got, tt.wantAllow) {
				t.Errorf("Allow() = %q, want %q", got, tt.wantAllow)
			}
			if got := p.Deny(); !slices.Equal(got, tt.wantDeny) {
				t.Errorf("Deny() = %q, want %q", got, tt.wantDeny)
			}
			if p.carveOut != tt.wantCarveOuts {
				t.Errorf("carve-outs = %v, want %v", p.carveOut, tt.wantCarveOuts)
			}
			again, err := NewPolicy(p.Allow(), p.Deny())
			if err != nil || !samePolicy(again, p) {
				t.Errorf("normalising twice changed the policy: %v", err)
			}
		})
	}
	t.Run("returned lists are copies", func(t *testing.T) {
		p, _ := NewPolicy([]string{"/a/p/r/read"}, nil)
		p.Allow()[0] = "/x/x/x/x"
		if !p.Allows("/a/p/r/read") || p.Allow()[0] != "/a/p/r/read" {
			t.Error("changing Allow()'s result changed the policy")
		}
	})
}

func TestNewPolicyEntryLimit(t *testing.T) {
	perms := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("/demo/p%d/r/read", i)
		}
		return out
	}
	tests := []struct {
		name        string
		allow, deny []string
		wantErr     error
	}{
		{"100 allow entries are accepted", perms(100), nil, nil},
		{"60 allow and 40 deny are accepted", perms(60), perms(100)[60:], nil},
		{"101 allow entries are too many", perms(101), nil, ErrTooManyEntries},
		{"60 allow and 41 deny are too many", perms(60), perms(101)[60:], ErrTooManyEntries},
		{"duplicates count as given", append(perms(100), "/demo/p0/r/read"), nil, ErrTooManyEntries},
		{"empty policy is accepted", nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewPolicy(tt.allow, tt.deny)
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Errorf("NewPolicy: %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestNewPolicyRejectsMalformedEntries(t *testing.T) {
	tests := []struct {
		name        string
		allow, deny []string
		reason      error
	}{
		{"empty allow entry", []string{""}, nil, ErrEmpty},
		{"misplaced wildcard in deny", nil, []string{"/a/*/r/read"}, ErrMisplacedWildcard},
		{"bad character after good entries", []string{"/a/p/r/read", "/a/p/r/READ"}, nil, ErrBadCharacter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPolicy(tt.allow, tt.deny)
			if p != nil || !errors.Is(err, tt.reason) || !errors.Is(err, ErrInvalidPermission) {
				t.Errorf("NewPolicy = %v, %v; want nil and %v", p, err, tt.reason)
			}
		})
	}
}

func TestPolicyNarrow(t *testing.T) {
	p, err := NewPolicy(
		[]string{"/demo/messaging/*", "/demo/voice/calls/read"},
		[]string{"/demo/messaging/messages/delete"},
	)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		requested  []string
		want       []string
		notAllowed string // "" when Narrow succeeds
		malformed  bool
	}{
		{"empty request gets the full grant", nil, []string{"/demo/messaging/*", "/demo/voice/calls/read"}, "", false},
		{"allowed subset keeps its order", []string{"/demo/voice/calls/read", "/demo/messaging/messages/read"},
			[]string{"/demo/voice/calls/read", "/demo/messaging/messages/read"}, "", false},
		{"duplicates are dropped", []string{"/demo/voice/calls/read", "/demo/voice/calls/read"},
			[]string{"/demo/voice/calls/read"}, "", false},
		{"one denied permission fails the whole request", []string{"/demo/messaging/messages/read", "/demo/messaging/messages/delete"},
			nil, "/demo/messaging/messages/delete", false},
		{"error names the first permission not allowed", []string{"/demo/voice/calls/delete", "/demo/messaging/messages/delete"},
			nil, "/demo/voice/calls/delete", false},
		{"a wildcard request never widens the grant", []string{"/demo/messaging/*"}, nil, "/demo/messaging/*", true},
		{"malformed request is not allowed", []string{"/demo/voice/calls/READ"}, nil, "/demo/voice/calls/READ", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := p.Narrow(tt.requested)
			if tt.notAllowed == "" {
				if err != nil || !slices.Equal(got, tt.want) {
					t.Fatalf("Narrow = %q, %v; want %q", got, err, tt.want)
				}
				return
			}
			var na *NotAllowedError
			if got != nil || !errors.As(err, &na) || !errors.Is(err, ErrNotAllowed) {
				t.Fatalf("Narrow = %q, %v; want nil and a *NotAllowedError", got, err)
			}
			if na.Permission != tt.notAllowed {
				t.Errorf("error names %q, want %q", na.Permission, tt.notAllowed)
			}
			if errors.Is(err, ErrInvalidPermission) != tt.malformed {
				t.Errorf("errors.Is(err, ErrInvalidPermission) = %v, want %v", !tt.malformed, tt.malformed)
			}
		})
	}
}

func TestPolicyScopeRoundTrip(t *testing.T) {
	p, err := NewPolicy([]string{"/demo/voice/calls/read", "/demo/messaging/*", "/demo/messaging/messages/read"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := FormatScope(p.Allow()), "/demo/messaging/* /demo/voice/calls/read"; got != want {
		t.Fatalf("allow list as a scope = %q, want %q", got, want)
	}
	grants, err := ParseGrantScope(FormatScope(p.Allow()))
	if err != nil {
		t.Fatal(err)
	}
	q, err := NewPolicy(grants, nil)
	if err != nil || !samePolicy(q, p) {
		t.Errorf("policy did not round-trip through its scope string: %v", err)
	}
}

func TestPolicyConcurrentUse(t *testing.T) {
	p := benchPolicy(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				p.Allows(fmt.Sprintf("/ns%d/p/r/read", i%10))
				_, _ = p.Narrow([]string{"/ns1/p0/r/read"})
				_ = p.Allow()
			}
		}()
	}
	wg.Wait()
}

func TestPolicyAllowsDoesNotAllocate(t *testing.T) {
	p := benchPolicy(t)
	perms := benchQueries()
	allocs := testing.AllocsPerRun(100, func() {
		for _, q := range perms {
			p.Allows(q)
		}
	})
	if allocs != 0 {
		t.Errorf("Allows allocates %v times per run", allocs)
	}
}

// samePolicy reports whether p and q have the same normalised lists.
func samePolicy(p, q *Policy) bool {
	return slices.Equal(p.allow, q.allow) && slices.Equal(p.deny, q.deny)
}
