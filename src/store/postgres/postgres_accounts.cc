// AccountStore on PostgreSQL: the users, credentials and audit_log tables of
// migration 0003_accounts, over a libpqxx connection of its own. Every call
// is one short transaction.
#include <pqxx/pqxx>
#include <utility>

#include "store/account_columns.h"
#include "store/accounts.h"

namespace faultline {
namespace {

std::string Chomp(const char* what) {
  std::string s(what);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The libpqxx exception being handled as a Status; call only from a catch.
Status PgError(const std::string& what) {
  const std::string context = "postgresql: " + what + ": ";
  try {
    throw;
  } catch (const pqxx::broken_connection& e) {
    return Unavailable(context + Chomp(e.what()));
  } catch (const pqxx::unique_violation& e) {
    return AlreadyExists(context + Chomp(e.what()));
  } catch (const pqxx::integrity_constraint_violation& e) {
    return InvalidArgument(context + Chomp(e.what()));
  } catch (const pqxx::data_exception& e) {
    return InvalidArgument(context + Chomp(e.what()));
  } catch (const std::exception& e) {
    return Internal(context + Chomp(e.what()));
  }
}

// A result row, for account_columns.h's readers.
struct AccountRow {
  const pqxx::row& r;
  int64_t Int(int i) const { return r[i].as<int64_t>(); }
  bool Bool(int i) const { return r[i].as<bool>(); }
  bool IsNull(int i) const { return r[i].is_null(); }
  std::string Text(int i) const { return r[i].c_str(); }
};

class PostgresAccounts : public AccountStore {
 public:
  explicit PostgresAccounts(std::unique_ptr<pqxx::connection> conn) : conn_(std::move(conn)) {}

  Result<UserRecord> AddUser(const UserRecord& user) override {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_params(
          "INSERT INTO users (name, role, password_hash, disabled, created_at) VALUES ($1, $2, $3, $4, $5)"
          " RETURNING id",
          user.name, user.role, user.password_hash, user.disabled, user.created_at);
      tx.commit();
      UserRecord out = user;
      out.id = r[0][0].as<int64_t>();
      return out;
    } catch (...) {
      return PgError("add user " + user.name);
    }
  }

  Result<UserRecord> FindUser(const std::string& name) override {
    return OneUser(std::string(kUserSelect) + " WHERE name = $1", name, "user \"" + name + "\"");
  }

  Result<UserRecord> GetUser(int64_t id) override {
    return OneUser(std::string(kUserSelect) + " WHERE id = $1::bigint", std::to_string(id),
                   "user " + std::to_string(id));
  }

  Result<std::vector<UserRecord>> Users() override {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec(std::string(kUserSelect) + " ORDER BY id");
      tx.commit();
      std::vector<UserRecord> out;
      for (const auto& row : r) out.push_back(ReadUser(AccountRow{row}));
      return out;
    } catch (...) {
      return PgError("list users");
    }
  }

  Status SetDisabled(int64_t user_id, bool disabled) override {
    return Exec("UPDATE users SET disabled = $1 WHERE id = $2", "disable user", disabled, user_id);
  }

  Status SetPasswordHash(int64_t user_id, const std::string& hash) override {
    return Exec("UPDATE users SET password_hash = $1 WHERE id = $2", "set password", hash, user_id);
  }

  Result<CredentialRecord> AddCredential(const CredentialRecord& c) override {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_params(
          "INSERT INTO credentials (user_id, kind, lookup, secret_hash, label, created_at, expires_at, revoked_at)"
          " VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
          c.user_id, c.kind, c.lookup, c.secret_hash, c.label, c.created_at, c.expires_at, c.revoked_at);
      tx.commit();
      CredentialRecord out = c;
      out.id = r[0][0].as<int64_t>();
      return out;
    } catch (...) {
      return PgError("add credential");
    }
  }

  Result<CredentialRecord> FindCredential(const std::string& lookup) override {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_params(std::string(kCredentialSelect) + " WHERE lookup = $1", lookup);
      tx.commit();
      if (r.empty()) return NotFound("no such credential");
      return ReadCredential(AccountRow{r[0]});
    } catch (...) {
      return PgError("find credential");
    }
  }

  Result<std::vector<CredentialRecord>> Credentials(int64_t user_id) override {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_params(std::string(kCredentialSelect) + " WHERE user_id = $1 ORDER BY id", user_id);
      tx.commit();
      std::vector<CredentialRecord> out;
      for (const auto& row : r) out.push_back(ReadCredential(AccountRow{row}));
      return out;
    } catch (...) {
      return PgError("list credentials");
    }
  }

  Result<int64_t> Revoke(int64_t user_id, int64_t credential_id, const std::string& at) override {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_params(
          "UPDATE credentials SET revoked_at = $1 WHERE user_id = $2 AND revoked_at = ''"
          " AND ($3::bigint = 0 OR id = $3::bigint)",
          at, user_id, credential_id);
      tx.commit();
      return static_cast<int64_t>(r.affected_rows());
    } catch (...) {
      return PgError("revoke");
    }
  }

  Result<int64_t> AppendAudit(const AuditRecord& a) override {
    try {
      pqxx::work tx(*conn_);
      // '' stands for NULL: no JSON document is the empty string.
      pqxx::result r = tx.exec_params(
          "INSERT INTO audit_log (at, who, action, target, before_json, after_json)"
          " VALUES ($1, $2, $3, $4, NULLIF($5, '')::jsonb, NULLIF($6, '')::jsonb) RETURNING id",
          a.at, a.who, a.action, a.target, a.before_json.value_or(""), a.after_json.value_or(""));
      tx.commit();
      return r[0][0].as<int64_t>();
    } catch (...) {
      return PgError("append audit");
    }
  }

  Result<std::vector<AuditRecord>> Audit(int64_t before_id, int64_t limit) override {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_params(
          AuditSelect("::text") + " WHERE ($1::bigint = 0 OR id < $1::bigint) ORDER BY id DESC LIMIT $2",
          before_id, limit);
      tx.commit();
      std::vector<AuditRecord> out;
      for (const auto& row : r) out.push_back(ReadAudit(AccountRow{row}));
      return out;
    } catch (...) {
      return PgError("read audit log");
    }
  }

 private:
  Result<UserRecord> OneUser(const std::string& sql, const std::string& param, const std::string& what) {
    try {
      pqxx::work tx(*conn_);
      pqxx::result r = tx.exec_params(sql, param);
      tx.commit();
      if (r.empty()) return NotFound("no " + what);
      return ReadUser(AccountRow{r[0]});
    } catch (...) {
      return PgError("find " + what);
    }
  }

  template <typename... Args>
  Status Exec(const std::string& sql, const std::string& what, Args&&... args) {
    try {
      pqxx::work tx(*conn_);
      tx.exec_params(sql, std::forward<Args>(args)...);
      tx.commit();
      return Status::Ok();
    } catch (...) {
      return PgError(what);
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

Result<std::unique_ptr<AccountStore>> OpenPostgresAccounts(const std::string& uri) {
  try {
    auto conn = std::make_unique<pqxx::connection>(uri);
    return std::unique_ptr<AccountStore>(std::make_unique<PostgresAccounts>(std::move(conn)));
  } catch (const pqxx::broken_connection& e) {
    return Unavailable("postgresql: cannot connect: " + Chomp(e.what()));
  } catch (...) {
    return PgError("connect");
  }
}

}  // namespace faultline
