package strictjson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// readAll reads data as an object whose members are all skipped, and
// returns their names.
func readAll(data string) ([]string, error) {
	var got []string
	d := NewDecoder([]byte(data))
	err := d.Object(func(name string) error {
		got = append(got, name)
		return nil
	})
	if err == nil {
		err = d.End()
	}
	return got, err
}

func TestObjectReadsEveryMemberOnce(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"members in order", `{"b":1,"a":"x","c":null}`, "b a c"},
		{"values of every kind are skipped", `{"a":{"b":[1,-2.5e3,true,false,null,"s",{}]},"c":[],"d":"\u0000"}`, "a c d"},
		{"a name given twice inside a skipped value is not looked for", `{"a":{"x":1,"x":2},"b":[{"y":1,"y":2}]}`, "a b"},
		{"a number too large for a float is still JSON", `{"a":1e400}`, "a"},
		{"escaped names are read unescaped", `{"\u0061":1}`, "a"},
		{"whitespace everywhere", " \t\r\n{ \"a\" :\n1 , \"b\" : 2 }\n", "a b"},
		{"seventeen members and more", `{"a":0,"b":0,"c":0,"d":0,"e":0,"f":0,"g":0,"h":0,"i":0,"j":0,"k":0,"l":0,"m":0,"n":0,"o":0,"p":0,"q":0,"r":0}`, "a b c d e f g h i j k l m n o p q r"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := readAll(tc.in)
			if err != nil || strings.Join(got, " ") != tc.want {
				t.Fatalf("read %q, %v; want %q", got, err, tc.want)
			}
		})
	}
}

func TestObjectRefuses(t *testing.T) {
	deep := func(n int) string { return `{"a":` + strings.Repeat("[", n-1) + strings.Repeat("]", n-1) + `}` }
	var dup *MemberError
	for _, tc := range []struct {
		name, in string
		want     func(error) bool
	}{
		{"a member given twice", `{"a":1,"a":2}`, func(err error) bool { return errors.As(err, &dup) && dup.Duplicate && dup.Name == "a" }},
		{"a member given twice through an escape", `{"a":1,"\u0061":2}`, func(err error) bool { return errors.As(err, &dup) && dup.Duplicate }},
		{"a member given twice after sixteen others", `{"a":0,"b":0,"c":0,"d":0,"e":0,"f":0,"g":0,"h":0,"i":0,"j":0,"k":0,"l":0,"m":0,"n":0,"o":0,"p":0,"q":0,"a":1}`, func(err error) bool { return errors.As(err, &dup) && dup.Name == "a" }},
		{"an array", `[]`, func(err error) bool { return errors.Is(err, ErrNotObject) }},
		{"null", `null`, func(err error) bool { return errors.Is(err, ErrNotObject) }},
		{"data after the object", `{} {}`, func(err error) bool { return errors.Is(err, ErrTrailing) }},
		{"text after the object", `{}x`, func(err error) bool { return errors.Is(err, ErrTrailing) }},
		{"nesting beyond the limit", deep(MaxDepth + 1), func(err error) bool { return errors.Is(err, ErrTooDeep) }},
		{"empty input", ``, func(err error) bool { return err != nil }},
		{"a trailing comma", `{"a":1,}`, func(err error) bool { return err != nil }},
		{"a missing colon", `{"a" 1}`, func(err error) bool { return err != nil }},
		{"an unquoted name", `{a:1}`, func(err error) bool { return err != nil }},
		{"a truncated value", `{"a":[1,`, func(err error) bool { return err != nil }},
		{"a mismatched bracket", `{"a":[1}`, func(err error) bool { return err != nil }},
		{"a bad literal", `{"a":tru}`, func(err error) bool { return err != nil }},
	} {
		t.Run(tc.name+" is refused", func(t *testing.T) {
			if _, err := readAll(tc.in); !tc.want(err) {
				t.Fatalf("error %v", err)
			}
		})
	}
	t.Run("nesting at the limit is read", func(t *testing.T) {
		if _, err := readAll(deep(MaxDepth)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestMemberErrorQuotesANameCut(t *testing.T) {
	name := strings.Repeat("s", 80)
	for _, err := range []error{&MemberError{Name: name, Duplicate: true}, Unknown(name)} {
		if msg := err.Error(); strings.Contains(msg, name[:30]) || !strings.Contains(msg, name[:20]) {
			t.Errorf("message %q repeats more of the name than a cut quote", msg)
		}
	}
	if got := Unknown("colour").Error(); got != `unknown member "colour"` {
		t.Errorf("got %q", got)
	}
}

func TestReadingByKind(t *testing.T) {
	t.Run("arrays, decoded values and nested objects", func(t *testing.T) {
		var (
			list []string
			n    json.Number
			sub  []string
		)
		d := NewDecoder([]byte(`{"list":["a","b"],"n":12.5,"sub":{"x":1,"y":2},"skip":[1]}`))
		err := d.Object(func(name string) error {
			switch name {
			case "list":
				return d.Array(func() error {
					t, err := d.Token()
					if s, ok := t.(string); ok {
						list = append(list, s)
					}
					return err
				})
			case "n":
				return d.Decode(&n)
			case "sub":
				return d.Object(func(name string) error {
					sub = append(sub, name)
					return d.Skip()
				})
			}
			return nil
		})
		if err == nil {
			err = d.End()
		}
		if err != nil || strings.Join(list, ",") != "a,b" || n != "12.5" || strings.Join(sub, ",") != "x,y" {
			t.Fatalf("list %q n %q sub %q, %v", list, n, sub, err)
		}
	})
	t.Run("a name given twice in a nested object read as an object is refused", func(t *testing.T) {
		d := NewDecoder([]byte(`{"sub":{"x":1,"x":2}}`))
		err := d.Object(func(string) error { return d.Object(func(string) error { return nil }) })
		var me *MemberError
		if !errors.As(err, &me) || me.Name != "x" {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("an array read as one must be one", func(t *testing.T) {
		d := NewDecoder([]byte(`{"list":null}`))
		if err := d.Object(func(string) error { return d.Array(func() error { return nil }) }); !errors.Is(err, ErrNotArray) {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("the caller's error ends the read", func(t *testing.T) {
		d := NewDecoder([]byte(`{"a":1,"colour":2,"b":3}`))
		var seen []string
		err := d.Object(func(name string) error {
			seen = append(seen, name)
			if name == "colour" {
				return Unknown(name)
			}
			return nil
		})
		var me *MemberError
		if !errors.As(err, &me) || me.Duplicate || me.Name != "colour" || len(seen) != 2 {
			t.Fatalf("error %v after %q", err, seen)
		}
	})
}
