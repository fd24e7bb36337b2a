package scope_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/oauthapps/oauthapps/scope"
)

func ExampleParsePermission() {
	p, err := scope.ParsePermission("/demo/messaging/messages/read")
	fmt.Println(p, err)

	_, err = scope.ParsePermission("/demo/messaging/*")
	fmt.Println(errors.Is(err, scope.ErrMisplacedWildcard))

	_, err = scope.ParseGrant("/demo/Messaging/*")
	fmt.Println(err)
	// Output:
	// /demo/messaging/messages/read <nil>
	// true
	// scope: bad character in "/demo/Messaging/*" at byte 6
}

func ExamplePolicy_Allows() {
	p, err := scope.NewPolicy(
		[]string{"/demo/messaging/*", "/demo/voice/calls/read"},
		[]string{"/demo/messaging/messages/delete"},
	)
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Allows("/demo/messaging/messages/read"))
	fmt.Println(p.Allows("/demo/messaging/messages/delete"))
	fmt.Println(p.Allows("/demo/voice/calls/delete"))

	out, _ := json.Marshal(p)
	fmt.Println(string(out))
	// Output:
	// true
	// false
	// false
	// {"allow":["/demo/messaging/*","/demo/voice/calls/read"],"deny":["/demo/messaging/messages/delete"]}
}

func ExamplePolicy_Narrow() {
	p, _ := scope.NewPolicy([]string{"/demo/messaging/*"}, []string{"/demo/messaging/messages/delete"})

	requested, _ := scope.ParseScope("/demo/messaging/messages/read /demo/messaging/messages/list")
	granted, err := p.Narrow(requested)
	fmt.Println(scope.FormatScope(granted), err)

	_, err = p.Narrow([]string{"/demo/messaging/messages/delete"})
	var na *scope.NotAllowedError
	if errors.As(err, &na) {
		fmt.Println("invalid_scope:", na.Permission)
	}

	full, _ := p.Narrow(nil)
	fmt.Println(full)
	// Output:
	// /demo/messaging/messages/read /demo/messaging/messages/list <nil>
	// invalid_scope: /demo/messaging/messages/delete
	// [/demo/messaging/*]
}

func ExampleCovers() {
	granted := "/demo/messaging/* /demo/voice/calls/read"
	fmt.Println(scope.Covers(granted, "/demo/messaging/media/read"))
	fmt.Println(scope.Covers(granted, "/demo/voice/calls/delete"))
	// Output:
	// true
	// false
}

func ExampleCatalog_Resolve() {
	c, err := scope.NewCatalog([]scope.Route{
		{Pattern: "GET /v1/Accounts/{AccountSid}/Messages/{Sid}", Permission: "/demo/messaging/messages/read"},
		{Pattern: "DELETE /v1/Accounts/{AccountSid}/Messages/{Sid}", Permission: "/demo/messaging/messages/delete"},
	})
	if err != nil {
		panic(err)
	}
	m, err := c.Resolve("GET", "/v1/Accounts/AC123/Messages/SM456")
	fmt.Println(m.Permission, m.Param("AccountSid"), m.Param("Sid"), err)

	_, err = c.Resolve("PUT", "/v1/Accounts/AC123/Messages/SM456")
	fmt.Println(errors.Is(err, scope.ErrNoRoute))

	fmt.Println(c.Permissions())
	// Output:
	// /demo/messaging/messages/read AC123 SM456 <nil>
	// true
	// [/demo/messaging/messages/delete /demo/messaging/messages/read]
}

func ExampleNewCatalog_conflict() {
	_, err := scope.NewCatalog([]scope.Route{
		{Pattern: "GET /v1/Accounts/{AccountSid}/Messages", Permission: "/demo/messaging/messages/list"},
		{Pattern: "/v1/Accounts/AC1/{Resource}", Permission: "/demo/any/any/read"},
	})
	fmt.Println(errors.Is(err, scope.ErrConflict))
	// Output:
	// true
}
