// Accounts: who may use `faultline serve` and how they prove it. Users carry
// one role (viewer < analyst < admin); they sign in to the dashboard with a
// password (Argon2id, libsodium crypto_pwhash_str) and get a session, or call
// the API with a token. Tokens and sessions are random (libsodium randombytes)
// and stored only as a public look-up id plus a BLAKE2b hash of the whole
// secret, so a copy of the database does not let anyone in. Every change to
// accounts is written to the audit log.
//
// Thread-compatible: one Accounts per thread (it owns an AccountStore).
//
//   ASSIGN_OR_RETURN(auto accounts, Accounts::Open("faultline.db"));
//   ASSIGN_OR_RETURN(NewUser u, accounts->AddUser("ana", Role::kAnalyst, "cli"));
//   ASSIGN_OR_RETURN(std::string token, accounts->IssueToken("ana", "laptop", "cli"));
//   ASSIGN_OR_RETURN(Principal who, accounts->Authenticate(token));
#ifndef FAULTLINE_SERVER_ACCOUNTS_H_
#define FAULTLINE_SERVER_ACCOUNTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "faultline/status.h"
#include "store/accounts.h"

namespace faultline::server {

enum class Role : uint8_t { kViewer = 0, kAnalyst = 1, kAdmin = 2 };
std::string_view Name(Role r);
// InvalidArgument listing viewer, analyst, admin.
Result<Role> ParseRole(std::string_view s);

// An authenticated caller.
struct Principal {
  int64_t user_id = 0;
  std::string name;
  Role role = Role::kViewer;
  int64_t credential_id = 0;  // the token or session that proved it
  bool session = false;       // signed in through the dashboard (needs CSRF)
  std::string csrf_token;     // for sessions: what X-CSRF-Token must carry
  std::string expires_at;     // the credential's end (UTC, as UtcNow()); "" = none
};

struct NewUser {
  UserRecord user;
  std::string password;  // shown once; only its hash is stored
};

struct NewSession {
  Principal principal;
  std::string secret;  // the cookie value
  std::string expires_at;
};

// Now, UTC, ISO 8601 to the second ("2024-05-01T12:00:00Z").
std::string UtcNow(int64_t plus_seconds = 0);
// The BLAKE2b hash of a token or session secret, as the credentials table
// keeps it: a key for caches that must not hold secrets themselves.
std::string SecretDigest(std::string_view secret);

class Accounts {
 public:
  static Result<std::unique_ptr<Accounts>> Open(const std::string& db_uri);
  explicit Accounts(std::unique_ptr<AccountStore> store) : store_(std::move(store)) {}

  // Creates a user with a generated password (or `password` when given,
  // at least 8 bytes). AlreadyExists for a taken name; InvalidArgument for a
  // name outside [A-Za-z0-9._-]{1,64}.
  Result<NewUser> AddUser(const std::string& name, Role role, const std::string& who,
                          const std::string& password = "");
  // A new API token for `name`; the token is returned once. NotFound for an
  // unknown user; FailedPrecondition for a disabled one.
  Result<std::string> IssueToken(const std::string& name, const std::string& label, const std::string& who);
  // Revokes one token (credential_id != 0) or every token and session of
  // the user; `disable` also stops the user from signing in again. Returns
  // how many credentials were revoked.
  Result<int64_t> Revoke(const std::string& name, int64_t credential_id, bool disable, const std::string& who);

  // Checks a password; PermissionDenied (deliberately vague) when the user is
  // unknown, disabled or the password is wrong.
  Result<NewSession> SignIn(const std::string& name, const std::string& password, int64_t lifetime_seconds);
  // A token or session secret to the principal it proves. PermissionDenied
  // when unknown, revoked, expired, malformed, or the user is disabled.
  Result<Principal> Authenticate(std::string_view secret);
  Status SignOut(const Principal& p);

  Result<std::vector<UserRecord>> Users() { return store_->Users(); }
  Result<std::vector<CredentialRecord>> Credentials(const std::string& name);
  Status Audit(const std::string& who, const std::string& action, const std::string& target,
               std::optional<std::string> before_json, std::optional<std::string> after_json);
  AccountStore* store() { return store_.get(); }

 private:
  Result<std::string> NewCredential(const UserRecord& user, const std::string& kind, const std::string& label,
                                    const std::string& expires_at);
  std::unique_ptr<AccountStore> store_;
};

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_ACCOUNTS_H_
