package adminhttp

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// etag is the entity tag of an app at a version: strong, since a version
// names one state of the app exactly.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// precondition is a request's If-Match header (RFC 9110 section 13.1.1).
type precondition struct {
	// present: the request has an If-Match other than "*". ("*" asks only
	// that the app exist, which every update and rotation requires.)
	present bool
	// versions are the versions its strong tags name. Weak tags never
	// match (If-Match compares strongly), nor tags that are not ours.
	versions []int64
}

// parseIfMatch reads If-Match; ok is false when it is malformed.
func parseIfMatch(h http.Header) (p precondition, ok bool) {
	vals := h.Values("If-Match")
	if len(vals) == 0 {
		return p, true
	}
	p.present = true
	for _, v := range vals {
		for _, tag := range strings.Split(v, ",") {
			tag = strings.TrimSpace(tag)
			switch {
			case tag == "*":
				if len(vals) > 1 || strings.Contains(v, ",") {
					return p, false
				}
				return precondition{}, true
			case strings.HasPrefix(tag, "W/"):
				if !quoted(tag[2:]) {
					return p, false
				}
			case quoted(tag):
				n, err := strconv.ParseInt(tag[1:len(tag)-1], 10, 64)
				if err == nil && n > 0 && tag == etag(n) {
					p.versions = append(p.versions, n)
				}
			default:
				return p, false
			}
		}
	}
	return p, true
}

// ifVersion is the version to make a change conditional on, for
// oauthapp's IfVersion: 0 for no condition, -1 for one that no version
// meets. When the header names several versions, current is called to
// learn which one the app has now; the change is then conditional on that
// one, so that it still fails if the app moves on in between.
func (p precondition) ifVersion(current func() (int64, error)) (int64, error) {
	switch {
	case !p.present:
		return 0, nil
	case len(p.versions) == 0:
		return -1, nil
	case len(p.versions) == 1:
		return p.versions[0], nil
	}
	v, err := current()
	if err != nil {
		return 0, err
	}
	if slices.Contains(p.versions, v) {
		return v, nil
	}
	return -1, nil
}

// quoted reports whether tag is an entity-tag's opaque-tag: a quoted
// string of etagc characters (RFC 9110 section 8.8.3).
func quoted(tag string) bool {
	if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return false
	}
	for i := 1; i < len(tag)-1; i++ {
		if c := tag[i]; c != 0x21 && (c < 0x23 || c > 0x7e) && c < 0x80 {
			return false
		}
	}
	return true
}
