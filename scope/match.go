package scope

// Match is a resolved route: its pattern, its permission and the values
// of its path wildcards.
type Match struct {
	// Pattern is the route's pattern as given to NewCatalog.
	Pattern string
	// Permission is the permission the route needs.
	Permission string

	names []string
	vals  [MaxPatternParams]string
	n     int // values filled while matching
}

// Param returns the value of the path wildcard name ("AccountSid" for
// "{AccountSid}"), or "" when the pattern has no such wildcard or the
// Match came from Lookup.
func (m Match) Param(name string) string {
	for i, n := range m.names {
		if n == name {
			return m.vals[i]
		}
	}
	return ""
}
