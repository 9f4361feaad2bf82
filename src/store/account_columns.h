// The account tables' columns, shared by the SQLite and PostgreSQL
// AccountStores (as forecast_columns.h is for forecasts): what a SELECT of a
// user, a credential or an audit entry reads, and reading one such row
// through the backend's row adapter (Int, Bool, Text, IsNull by column).
#ifndef FAULTLINE_STORE_ACCOUNT_COLUMNS_H_
#define FAULTLINE_STORE_ACCOUNT_COLUMNS_H_

#include <string>
#include <string_view>

#include "store/accounts.h"

namespace faultline {

inline constexpr const char* kUserSelect = "SELECT id, name, role, password_hash, disabled, created_at FROM users";
inline constexpr const char* kCredentialSelect =
    "SELECT id, user_id, kind, lookup, secret_hash, label, created_at, expires_at, revoked_at FROM credentials";
// The audit_log columns; `as_text` turns a JSON column into text ("" on
// SQLite, which stores text; "::text" on PostgreSQL's jsonb).
inline std::string AuditSelect(std::string_view as_text) {
  const std::string t(as_text);
  return "SELECT id, at, who, action, target, before_json" + t + ", after_json" + t + " FROM audit_log";
}

template <typename Row>
UserRecord ReadUser(const Row& row) {
  UserRecord u;
  u.id = row.Int(0);
  u.name = row.Text(1);
  u.role = row.Text(2);
  u.password_hash = row.Text(3);
  u.disabled = row.Bool(4);
  u.created_at = row.Text(5);
  return u;
}

template <typename Row>
CredentialRecord ReadCredential(const Row& row) {
  CredentialRecord c;
  c.id = row.Int(0);
  c.user_id = row.Int(1);
  c.kind = row.Text(2);
  c.lookup = row.Text(3);
  c.secret_hash = row.Text(4);
  c.label = row.Text(5);
  c.created_at = row.Text(6);
  c.expires_at = row.Text(7);
  c.revoked_at = row.Text(8);
  return c;
}

// A NULL JSON column is no document (std::nullopt).
template <typename Row>
AuditRecord ReadAudit(const Row& row) {
  AuditRecord a;
  a.id = row.Int(0);
  a.at = row.Text(1);
  a.who = row.Text(2);
  a.action = row.Text(3);
  a.target = row.Text(4);
  if (!row.IsNull(5)) a.before_json = row.Text(5);
  if (!row.IsNull(6)) a.after_json = row.Text(6);
  return a;
}

}  // namespace faultline

#endif  // FAULTLINE_STORE_ACCOUNT_COLUMNS_H_
