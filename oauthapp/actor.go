package oauthapp

// Role is an account role of the user behind a management call.
type Role string

// Roles of an account. Only RoleOwner, RoleAdministrator and RoleDeveloper
// may manage OAuth apps; every other role, named here or not, is refused.
const (
	RoleOwner         Role = "owner"
	RoleAdministrator Role = "administrator"
	RoleDeveloper     Role = "developer"
	RoleBilling       Role = "billing"
	RoleSupport       Role = "support"
	RoleReadOnly      Role = "read_only"
)

// CanManageApps reports whether users with this role may create, change,
// rotate and delete OAuth apps.
func (r Role) CanManageApps() bool {
	switch r {
	case RoleOwner, RoleAdministrator, RoleDeveloper:
		return true
	}
	return false
}

// Actor is the user on whose behalf a management call is made: who they are,
// which account they act in, and their role there. The service trusts the
// caller to have authenticated the user; it checks the role and the account.
type Actor struct {
	// UserSID is the host service's id of the user, recorded as an app's
	// CreatedBy: any id that ParseUserSID accepts (a UUID, an integer, a
	// "US" SID, ...).
	UserSID string
	// AccountSID is the host service's id of the account the user acts
	// in, under the rules of ParseAccountSID; only that account's apps can
	// be managed. The service compares it exactly.
	AccountSID string
	// Role is the user's role in that account.
	Role Role
}

// authorize checks that the actor may manage apps of the given account.
// A role that may not manage apps is ErrForbidden before anything else is
// looked at, so such an actor learns nothing from the other checks.
func (a Actor) authorize(accountSID string) error {
	if !a.Role.CanManageApps() {
		return ErrForbidden
	}
	if !isHostID(a.UserSID) {
		return invalidArg("Actor.UserSID", "actor user SID: %w", errHostIDFormat)
	}
	if !isHostID(a.AccountSID) {
		return invalidArg("Actor.AccountSID", "actor account SID: %w", errHostIDFormat)
	}
	if a.AccountSID != accountSID {
		return ErrForbidden
	}
	return nil
}
