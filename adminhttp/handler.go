package adminhttp

import (
	"context"
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
	// replayed: the answer is the one kept for the request's
	// Idempotency-Key.
	replayed bool
}

// response is an answer, complete before anything is written, so that it
// can be remembered for an Idempotency-Key and replayed byte for byte.
type response struct {
	status   int
	etag     string // a quoted entity tag, or ""
	location string
	ctype    string
	body     []byte
	// retry: a 409 that a retry may get past (Retry-After).
	retry bool
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
	if r.status == http.StatusConflict && r.retry {
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
		a.once(c, key, op).write(w, c.replayed)
	})
}

// once answers a request with an Idempotency-Key through the service's
// Idempotent: the first request with the key runs op, and its answer, if
// a success, is kept (sealed, in the store every instance shares) and
// replayed to every retry. The service checks the caller's role before it
// looks at the key.
func (a *API) once(c *call, key string, op func(c *call) response) response {
	fp := fingerprint(c)
	out, replayed, err := a.svc.Idempotent(c.r.Context(), c.actor, key, fp[:], func(ctx context.Context) ([]byte, bool) {
		c.r = c.r.WithContext(ctx)
		resp := op(c)
		return resp.encode(), resp.status >= 200 && resp.status <= 299
	})
	switch {
	case errors.Is(err, oauthapp.ErrIdempotencyKeyReused):
		return problemResponse(ProblemIdempotencyKeyReused, "Idempotency-Key", "this Idempotency-Key was used for another request")
	case errors.Is(err, oauthapp.ErrIdempotencyKeyInUse):
		return problemResponse(ProblemConflict, "Idempotency-Key", "a request with this Idempotency-Key is still being processed")
	case errors.Is(err, oauthapp.ErrAnswerUnavailable):
		return problemResponse(ProblemAnswerUnavailable, "Idempotency-Key", "the request with this Idempotency-Key was processed, but its answer is sealed under a key this server does not hold; nothing was done again")
	case err != nil:
		return a.serviceError(c, err, false)
	}
	resp, ok := decodeResponse(out)
	if !ok {
		a.cfg.logger.ErrorContext(c.r.Context(), "adminhttp: a kept answer does not decode")
		return problemResponse(ProblemInternal, "", "the request failed on the server")
	}
	c.replayed = replayed
	return resp
}

// storedResponse is the form in which an answer is kept for an
// Idempotency-Key.
type storedResponse struct {
	Status   int    `json:"status"`
	ETag     string `json:"etag,omitempty"`
	Location string `json:"location,omitempty"`
	CType    string `json:"ctype,omitempty"`
	Body     []byte `json:"body,omitempty"`
}

func (r response) encode() []byte {
	b, _ := json.Marshal(storedResponse{Status: r.status, ETag: r.etag, Location: r.location, CType: r.ctype, Body: r.body})
	return b
}

func decodeResponse(b []byte) (response, bool) {
	var s storedResponse
	if err := json.Unmarshal(b, &s); err != nil || s.Status < 100 || s.Status > 599 {
		return response{}, false
	}
	return response{status: s.Status, etag: s.ETag, location: s.Location, ctype: s.CType, body: s.Body}, true
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
