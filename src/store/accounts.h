// AccountStore: the persistence of `faultline serve`'s accounts — users with
// a role, their credentials (API tokens and dashboard sessions, stored only as
// a public look-up id and a hash of the secret) and the audit log of writes.
// The tables come from migration 0003_accounts on both backends; this class
// only reads and writes rows. Hashing, token generation and role checks are
// the server's (src/server/accounts.h).
//
// Same URI rules as Store::Open (which it runs first, so migrations are
// applied). Not thread-safe: one AccountStore per thread.
//
//   ASSIGN_OR_RETURN(auto accounts, AccountStore::Open("faultline.db"));
//   ASSIGN_OR_RETURN(UserRecord u, accounts->FindUser("ana"));
#ifndef FAULTLINE_STORE_ACCOUNTS_H_
#define FAULTLINE_STORE_ACCOUNTS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "faultline/status.h"

namespace faultline {

struct UserRecord {
  int64_t id = 0;
  std::string name;
  std::string role;           // viewer | analyst | admin (checked by the server)
  std::string password_hash;  // crypto_pwhash_str output; '' = cannot sign in
  bool disabled = false;
  std::string created_at;
};

struct CredentialRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string kind;         // token | session
  std::string lookup;       // public part
  std::string secret_hash;  // hex
  std::string label;
  std::string created_at;
  std::string expires_at;  // '' = never
  std::string revoked_at;  // '' = live
};

struct AuditRecord {
  int64_t id = 0;
  std::string at;
  std::string who;
  std::string action;
  std::string target;
  std::optional<std::string> before_json;
  std::optional<std::string> after_json;
};

class AccountStore {
 public:
  // Unavailable / DataLoss / InvalidArgument as Store::Open.
  static Result<std::unique_ptr<AccountStore>> Open(const std::string& uri);
  virtual ~AccountStore() = default;

  // AlreadyExists when the name is taken. Returns the user with its id.
  virtual Result<UserRecord> AddUser(const UserRecord& user) = 0;
  // NotFound for an unknown name.
  virtual Result<UserRecord> FindUser(const std::string& name) = 0;
  virtual Result<UserRecord> GetUser(int64_t id) = 0;
  virtual Result<std::vector<UserRecord>> Users() = 0;
  virtual Status SetDisabled(int64_t user_id, bool disabled) = 0;
  virtual Status SetPasswordHash(int64_t user_id, const std::string& hash) = 0;

  // AlreadyExists when the look-up id collides (the caller draws again).
  virtual Result<CredentialRecord> AddCredential(const CredentialRecord& credential) = 0;
  // NotFound when no credential has this look-up id (revoked ones are found;
  // the caller checks revoked_at and expires_at).
  virtual Result<CredentialRecord> FindCredential(const std::string& lookup) = 0;
  virtual Result<std::vector<CredentialRecord>> Credentials(int64_t user_id) = 0;
  // Sets revoked_at on one credential (id != 0) or on all of a user's live
  // ones (id == 0). Returns how many changed.
  virtual Result<int64_t> Revoke(int64_t user_id, int64_t credential_id, const std::string& at) = 0;

  virtual Result<int64_t> AppendAudit(const AuditRecord& record) = 0;
  // Newest first; `before_id` 0 = from the newest. At most `limit` rows.
  virtual Result<std::vector<AuditRecord>> Audit(int64_t before_id, int64_t limit) = 0;
};

}  // namespace faultline

#endif  // FAULTLINE_STORE_ACCOUNTS_H_
