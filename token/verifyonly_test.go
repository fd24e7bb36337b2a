package token

import "testing"

// TestVerifyOnlyCopiesCannotSign: the copy a key set keeps of a key it
// does not sign with cannot sign, for a real key and for the zero Key,
// and the key it was made from still can.
func TestVerifyOnlyCopiesCannotSign(t *testing.T) {
	var zero Key
	if zero.verifyOnly().CanSign() {
		t.Error("the verify-only copy of the zero Key can sign")
	}
	k, err := GenerateKey(EdDSA)
	if err != nil {
		t.Fatal(err)
	}
	c := k.verifyOnly()
	if c.CanSign() || !k.CanSign() || c.ID() != k.ID() || !c.sameKey(k) {
		t.Errorf("copy %v of %v", c, k)
	}
	if c.verifyOnly() != c {
		t.Error("a verify-only key is copied again")
	}
}
