package strictjson

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
)

// FuzzObject compares the decoder with encoding/json: an input it reads
// is one JSON object to encoding/json too, with the same members; an
// input it refuses for anything but a member given twice is not one to
// encoding/json either (both stop nesting at the same depth). However a
// member's value is read (left unread, skipped or decoded), the answer is
// the same.
func FuzzObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1,"b":[true,null,"x"],"c":{"d":{}}}`, `{"a":1,"a":2}`,
		`{"\u0061":1,"a":2}`, `{"a":1e400}`, `[]`, `{} {}`, `{"a":[1,}`,
		`{"a":{"x":1,"x":2}}`, "{\"\xff\":1,\"\xfe\":2}",
	} {
		f.Add([]byte(s), uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, how uint8) {
		var names []string
		var errs [3]error
		for way := range errs {
			names = names[:0]
			d := NewDecoder(data)
			err := d.Object(func(name string) error {
				names = append(names, name)
				switch (int(how) + len(names) + way) % 3 {
				case 1:
					return d.Skip()
				case 2:
					var raw json.RawMessage
					return d.Decode(&raw)
				}
				return nil
			})
			if err == nil {
				err = d.End()
			}
			errs[way] = err
		}
		if (errs[0] == nil) != (errs[1] == nil) || (errs[0] == nil) != (errs[2] == nil) {
			t.Fatalf("%q: the way a value is read changes the answer: %v", data, errs)
		}
		err := errs[0]
		var ref map[string]json.RawMessage
		refErr := json.Unmarshal(data, &ref)
		var me *MemberError
		switch {
		case err == nil:
			if refErr != nil || ref == nil || len(ref) != len(names) {
				t.Fatalf("read %q (%d members), encoding/json: %v, %d members", data, len(names), refErr, len(ref))
			}
			for _, n := range names {
				if _, ok := ref[n]; !ok {
					t.Fatalf("read member %q of %q, which encoding/json does not see", n, data)
				}
			}
		case errors.As(err, &me):
			if !me.Duplicate || !slices.Contains(names, me.Name) {
				t.Fatalf("%q: %v, but the name was not seen before", data, err)
			}
		case refErr == nil && ref != nil:
			t.Fatalf("refused %q, which encoding/json reads as an object: %v", data, err)
		}
	})
}
