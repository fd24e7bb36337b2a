package oauthhttp

import (
	"net/http"
	"strings"

	"github.com/oauthapps/oauthapps/oauthapp"
	"github.com/oauthapps/oauthapps/token"
)

// DPoP (RFC 9449) headers.
const (
	// DPoPHeader carries a DPoP proof in a request (RFC 9449 section 4.1).
	DPoPHeader = "DPoP"
	// DPoPNonceHeader carries the server's nonce in an answer (RFC 9449
	// sections 8 and 9).
	DPoPNonceHeader = "DPoP-Nonce"
)

// Answers to DPoP requests (RFC 9449 sections 5, 7.1, 8 and 9). At the
// token endpoint they are 400s; at the API, 401s with a DPoP challenge.
var (
	errTokenProof      = &oauthError{status: http.StatusBadRequest, code: CodeInvalidDPoPProof, desc: "the DPoP proof is missing, invalid or replayed"}
	errTokenNonce      = &oauthError{status: http.StatusBadRequest, code: CodeUseDPoPNonce, desc: "the DPoP proof must carry the nonce in the DPoP-Nonce header"}
	errTwoTokenProofs  = &oauthError{status: http.StatusBadRequest, code: CodeInvalidDPoPProof, desc: "more than one DPoP header"}
	errAPIProof        = &oauthError{status: http.StatusUnauthorized, code: CodeInvalidDPoPProof, desc: "the DPoP proof is missing, invalid or replayed"}
	errAPINonce        = &oauthError{status: http.StatusUnauthorized, code: CodeUseDPoPNonce, desc: "the DPoP proof must carry the nonce in the DPoP-Nonce header"}
	errTwoAPIProofs    = &oauthError{status: http.StatusUnauthorized, code: CodeInvalidDPoPProof, desc: "more than one DPoP header"}
	errEmptyDPoPCreds  = badRequest("the DPoP credentials are empty")
	errNoProofForToken = &oauthError{status: http.StatusUnauthorized, code: CodeInvalidDPoPProof, desc: "the DPoP scheme needs a DPoP proof header"}
)

// dpopProofHeader returns the request's DPoP header, "" when it has none;
// two are refused (RFC 9449 section 4.3, check 1) with two.
func dpopProofHeader(h http.Header, two *oauthError) (string, *oauthError) {
	switch v := h.Values(DPoPHeader); len(v) {
	case 0:
		return "", nil
	case 1:
		return v[0], nil
	}
	return "", two
}

// dpopChallenge is the DPoP challenge of the server's answers (RFC 9449
// section 7.1), before any error attribute: its realm and the algorithms
// of the proofs it accepts.
func dpopChallenge(realm string) string {
	return `DPoP realm="` + realm + `", algs="` + strings.Join(token.ProofAlgorithms(), " ") + `"`
}

// presented returns the access token of the request's Authorization
// header and, for the DPoP scheme, its proof of this request; "" when
// it has no token of either scheme. The proof's URL is rebuilt from the
// base URL and the request's path, never from the Host header, which
// the client writes.
func (s *Server) presented(r *http.Request) (string, *oauthapp.DPoPProof, *oauthError) {
	auth, e := authorizationHeader(r.Header)
	if e != nil || auth == "" {
		return "", nil, e
	}
	scheme, tok, _ := strings.Cut(auth, " ")
	if !strings.EqualFold(scheme, "DPoP") {
		tok, e := bearerToken(r.Header)
		return tok, nil, e
	}
	proof := &oauthapp.DPoPProof{Method: r.Method, URL: s.origin + r.URL.EscapedPath()}
	if tok = strings.Trim(tok, " \t"); tok == "" {
		return "", proof, errEmptyDPoPCreds
	}
	jwt, e := dpopProofHeader(r.Header, errTwoAPIProofs)
	if e == nil && jwt == "" {
		e = errNoProofForToken
	}
	proof.JWT = jwt
	return tok, proof, e
}

// dpopNonce sets the DPoP-Nonce header of an answer to a request that
// sent a proof, when the service asks for nonces.
func (s *Server) dpopNonce(w http.ResponseWriter) {
	if s.meta.DPoPNonce != nil {
		w.Header().Set(DPoPNonceHeader, s.meta.DPoPNonce())
	}
}
