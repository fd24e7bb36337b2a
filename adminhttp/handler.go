package adminhttp

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/oauthapps/oauthapps/internal/crossorigin"
	"github.com/oauthapps/oauthapps/oauthapp"
)

// call is one authenticated request: who makes it and its body, read in
// full and within the limit.
type call struct {
	r     *http.Request
	actor oauthapp.Actor
	body  []byte
	// fields, when set, maps service arguments onto this operation's
	// members ahead of argumentFields.
	fields map[string]string
}

// response is an answer, complete before anything is written, so that it
// can be remembered for an Idempotency-Key and replayed byte for byte.
type response struct {
	status   int
	etag     string // a quoted entity tag, or ""
	location string
	ctype    string
	body     []byte
}

// reply returns a JSON answer.
func reply(status int, v any) response {
	b, err := json.Marshal(v)
	if err != nil { // our own types only; cannot happen
		return problemResponse(ProblemInternal, "", "encoding the answer failed")
	}
	return response{status: status, ctype: "application/json", body: append(b, '\n')}
}

// withApp adds the ETag of the app's version, and a Location when the
// answer created something at loc.
func (r response) withApp(version int64, loc string) response {
	r.etag = etag(version)
	r.location = loc
	return r
}

func (r response) write(w http.ResponseWriter, replayed bool) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	if r.ctype != "" {
		h.Set("Content-Type", r.ctype)
	}
	if r.etag != "" {
		h.Set("ETag", r.etag)
	}
	if r.location != "" {
		h.Set("Location", r.location)
	}
	if r.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="oauthapps-admin"`)
	}
	if r.status == http.StatusServiceUnavailable || r.status == http.StatusConflict {
		h.Set("Retry-After", "1")
	}
	if replayed {
		h.Set("Idempotent-Replayed", "true")
	}
	if len(r.body) > 0 {
		h.Set("Content-Length", strconv.Itoa(len(r.body)))
	}
	w.WriteHeader(r.status)
	_, _ = w.Write(r.body)
}

// handle wraps an operation: it authenticates the caller, reads the body
// within the limit, and, for an operation that takes an Idempotency-Key,
// answers a retry with the first answer.
func (a *API) handle(op func(c *call) response, idempotent bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", a.describedBy)
		if crossorigin.Check(r, a.cfg.origins...) != nil {
			problemResponse(ProblemCrossOrigin, "", "a browser sent this request from a page of another origin").write(w, false)
			return
		}
		actor, err := a.auth(r)
		if err != nil {
			problemResponse(ProblemUnauthenticated, "", "the request's credentials were not accepted").write(w, false)
			return
		}
		body, perr := a.readBody(w, r)
		if perr != nil {
			perr.write(w, false)
			return
		}
		c := &call{r: r, actor: actor, body: body}
		if !idempotent {
			op(c).write(w, false)
			return
		}
		key, perr := idempotencyKey(r.Header)
		if perr != nil {
			perr.write(w, false)
			return
		}
		if key == "" {
			op(c).write(w, false)
			return
		}
		slot := actor.AccountSID + "\x00" + key
		fp := fingerprint(c)
		now := a.svc.Now()
		first, state := a.idem.begin(slot, fp, now)
		switch state {
		case idemReplay:
			first.write(w, true)
			return
		case idemRunning:
			problemResponse(ProblemConflict, "Idempotency-Key", "a request with this Idempotency-Key is still being processed").write(w, false)
			return
		case idemReused:
			problemResponse(ProblemIdempotencyKeyReused, "Idempotency-Key", "this Idempotency-Key was used for another request").write(w, false)
			return
		case idemFull:
			problemResponse(ProblemUnavailable, "Idempotency-Key", "too many requests with an Idempotency-Key are being processed").write(w, false)
			return
		}
		finished := false
		defer func() {
			if !finished { // op panicked: let the key go
				a.idem.finish(slot, response{status: http.StatusInternalServerError}, a.svc.Now())
			}
		}()
		resp := op(c)
		a.idem.finish(slot, resp, a.svc.Now()) // before the answer, so a retry that follows it is replayed
		finished = true
		resp.write(w, false)
	})
}

// fingerprint identifies a request for its Idempotency-Key: method, path,
// user, role, If-Match and body.
func fingerprint(c *call) [sha256.Size]byte {
	h := sha256.New()
	for _, s := range []string{c.r.Method, c.r.URL.Path, c.actor.UserSID, string(c.actor.Role), c.r.Header.Get("If-Match")} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	h.Write(c.body)
	var fp [sha256.Size]byte
	h.Sum(fp[:0])
	return fp
}

// readBody reads the whole body, at most the configured limit. A POST
// must say application/json, even with an empty body: a page of another
// site can send a form or text/plain without the browser asking first,
// never application/json. A body of another method must be
// application/json; an empty one needs no Content-Type.
func (a *API) readBody(w http.ResponseWriter, r *http.Request) ([]byte, *response) {
	if r.Method == http.MethodPost && !isJSON(r.Header) {
		return nil, unsupportedMediaType()
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil, nil
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, a.cfg.maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			p := problemResponse(ProblemBodyTooLarge, "", "the body is longer than "+strconv.FormatInt(a.cfg.maxBody, 10)+" bytes")
			return nil, &p
		}
		p := problemResponse(ProblemInvalidRequest, "", "the body could not be read")
		return nil, &p
	}
	if len(body) == 0 {
		return nil, nil
	}
	if !isJSON(r.Header) {
		return nil, unsupportedMediaType()
	}
	return body, nil
}

// isJSON reports whether the request's one Content-Type is
// application/json.
func isJSON(h http.Header) bool {
	ct := h.Values("Content-Type")
	if len(ct) != 1 {
		return false
	}
	mt, _, err := mime.ParseMediaType(ct[0])
	return err == nil && mt == "application/json"
}

func unsupportedMediaType() *response {
	p := problemResponse(ProblemUnsupportedMediaType, "Content-Type", "the body must be application/json, and a POST must say so even when its body is empty")
	return &p
}

// idempotencyKey returns the request's Idempotency-Key, "" when it has
// none: 1 to 255 printable ASCII characters.
func idempotencyKey(h http.Header) (string, *response) {
	vals := h.Values("Idempotency-Key")
	if len(vals) == 0 {
		return "", nil
	}
	bad := func() (string, *response) {
		p := problemResponse(ProblemInvalidRequest, "Idempotency-Key", "Idempotency-Key must be one value of 1 to 255 printable ASCII characters")
		return "", &p
	}
	if len(vals) > 1 || len(vals[0]) == 0 || len(vals[0]) > 255 {
		return bad()
	}
	for i := 0; i < len(vals[0]); i++ {
		if c := vals[0][i]; c < 0x20 || c > 0x7e {
			return bad()
		}
	}
	return vals[0], nil
}

// methodNotAllowed answers 405 with the methods the path allows.
func methodNotAllowed(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		problemResponse(ProblemMethodNotAllowed, "", "allowed: "+allow).write(w, false)
	})
}
