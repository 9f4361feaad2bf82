#include "server/accounts.h"

#include <sodium.h>

#include <ctime>
#include <nlohmann/json.hpp>

namespace faultline::server {
namespace {

constexpr size_t kLookupBytes = 12;  // 24 hex characters
constexpr size_t kSecretBytes = 32;

std::string Hex(const unsigned char* p, size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}

std::string RandomHex(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  randombytes_buf(b.data(), b.size());
  return Hex(b.data(), b.size());
}

std::string RandomBase64(size_t bytes) {
  std::vector<unsigned char> b(bytes);
  randombytes_buf(b.data(), b.size());
  std::string out(sodium_base64_ENCODED_LEN(bytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING), '\0');
  sodium_bin2base64(out.data(), out.size(), b.data(), b.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::char_traits<char>::length(out.c_str()));
  return out;
}

std::string HashSecret(std::string_view secret, std::string_view domain = "") {
  unsigned char h[crypto_generichash_BYTES];
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, sizeof h);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(domain.data()), domain.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_generichash_final(&st, h, sizeof h);
  return Hex(h, sizeof h);
}

bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-';
    if (!ok) return false;
  }
  return true;
}

Status EnsureSodium() {
  if (sodium_init() < 0) return Internal("libsodium failed to initialise");
  return Status::Ok();
}

Status Denied() { return PermissionDenied("invalid or expired credentials"); }

}  // namespace

std::string_view Name(Role r) {
  switch (r) {
    case Role::kViewer: return "viewer";
    case Role::kAnalyst: return "analyst";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

Result<Role> ParseRole(std::string_view s) {
  if (s == "viewer") return Role::kViewer;
  if (s == "analyst") return Role::kAnalyst;
  if (s == "admin") return Role::kAdmin;
  return InvalidArgument("role \"" + std::string(s) + "\" is not one of viewer, analyst, admin");
}

std::string UtcNow(int64_t plus_seconds) {
  std::time_t t = std::time(nullptr) + static_cast<std::time_t>(plus_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<std::unique_ptr<Accounts>> Accounts::Open(const std::string& db_uri) {
  RETURN_IF_ERROR(EnsureSodium());
  ASSIGN_OR_RETURN(auto store, AccountStore::Open(db_uri));
  return std::make_unique<Accounts>(std::move(store));
}

Result<NewUser> Accounts::AddUser(const std::string& name, Role role, const std::string& who,
                                  const std::string& password) {
  RETURN_IF_ERROR(EnsureSodium());
  if (!ValidName(name)) return InvalidArgument("user name \"" + name + "\": use 1-64 of A-Z a-z 0-9 . _ -");
  NewUser out;
  out.password = password.empty() ? RandomBase64(12) : password;
  if (out.password.size() < 8) return InvalidArgument("password: at least 8 characters");
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(hash, out.password.c_str(), out.password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return Internal("crypto_pwhash_str: out of memory");
  }
  UserRecord u;
  u.name = name;
  u.role = std::string(Name(role));
  u.password_hash = hash;
  u.created_at = UtcNow();
  auto added = store_->AddUser(u);
  if (!added.ok() && added.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExists("user \"" + name + "\" already exists");
  }
  ASSIGN_OR_RETURN(out.user, std::move(added));
  RETURN_IF_ERROR(Audit(who, "users add", "user " + name, std::nullopt,
                        nlohmann::json{{"name", name}, {"role", u.role}}.dump()));
  return out;
}

Result<std::string> Accounts::NewCredential(const UserRecord& user, const std::string& kind,
                                            const std::string& label, const std::string& expires_at) {
  RETURN_IF_ERROR(EnsureSodium());
  for (int attempt = 0; attempt < 4; ++attempt) {
    std::string lookup = RandomHex(kLookupBytes);
    std::string secret = (kind == "token" ? "flt_" : "fls_") + lookup + "_" + RandomBase64(kSecretBytes);
    CredentialRecord c;
    c.user_id = user.id;
    c.kind = kind;
    c.lookup = lookup;
    c.secret_hash = HashSecret(secret);
    c.label = label;
    c.created_at = UtcNow();
    c.expires_at = expires_at;
    auto added = store_->AddCredential(c);
    if (added.ok()) return secret;
    if (added.status().code() != StatusCode::kAlreadyExists) return added.status();
  }
  return Internal("could not draw a unique credential id");
}

Result<std::string> Accounts::IssueToken(const std::string& name, const std::string& label, const std::string& who) {
  ASSIGN_OR_RETURN(UserRecord u, store_->FindUser(name));
  if (u.disabled) return FailedPrecondition("user \"" + name + "\" is disabled");
  ASSIGN_OR_RETURN(std::string secret, NewCredential(u, "token", label, ""));
  RETURN_IF_ERROR(Audit(who, "users token", "user " + name, std::nullopt, nlohmann::json{{"label", label}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  return secret;
}

Result<int64_t> Accounts::Revoke(const std::string& name, int64_t credential_id, bool disable,
                                 const std::string& who) {
  ASSIGN_OR_RETURN(UserRecord u, store_->FindUser(name));
  ASSIGN_OR_RETURN(int64_t n, store_->Revoke(u.id, credential_id, UtcNow()));
  if (credential_id != 0 && n == 0) {
    return NotFound("user \"" + name + "\" has no live credential " + std::to_string(credential_id));
  }
  if (disable) RETURN_IF_ERROR(store_->SetDisabled(u.id, true));
  RETURN_IF_ERROR(Audit(who, "users revoke", "user " + name,
                        "{\"disabled\":" + std::string(u.disabled ? "true" : "false") + "}",
                        "{\"revoked\":" + std::to_string(n) +
                            ",\"disabled\":" + std::string(disable || u.disabled ? "true" : "false") + "}"));
  return n;
}

Result<NewSession> Accounts::SignIn(const std::string& name, const std::string& password, int64_t lifetime_seconds) {
  RETURN_IF_ERROR(EnsureSodium());
  auto u = store_->FindUser(name);
  if (!u.ok()) {
    if (u.status().code() == StatusCode::kNotFound) return Denied();
    return u.status();
  }
  if (u->disabled || u->password_hash.empty()) return Denied();
  if (crypto_pwhash_str_verify(u->password_hash.c_str(), password.c_str(), password.size()) != 0) return Denied();
  NewSession s;
  s.expires_at = UtcNow(lifetime_seconds);
  ASSIGN_OR_RETURN(s.secret, NewCredential(*u, "session", "dashboard", s.expires_at));
  ASSIGN_OR_RETURN(s.principal, Authenticate(s.secret));
  return s;
}

std::string SecretDigest(std::string_view secret) { return HashSecret(secret); }

Result<Principal> Accounts::Authenticate(std::string_view secret) {
  // flt_<24 hex>_<secret> or fls_<24 hex>_<secret>
  if (secret.size() < 4 + kLookupBytes * 2 + 2 || secret.size() > 256) return Denied();
  std::string_view prefix = secret.substr(0, 4);
  if ((prefix != "flt_" && prefix != "fls_") || secret[4 + kLookupBytes * 2] != '_') return Denied();
  std::string lookup(secret.substr(4, kLookupBytes * 2));
  auto c = store_->FindCredential(lookup);
  if (!c.ok()) {
    if (c.status().code() == StatusCode::kNotFound) return Denied();
    return c.status();
  }
  std::string want = HashSecret(secret);
  if (want.size() != c->secret_hash.size() ||
      sodium_memcmp(want.data(), c->secret_hash.data(), want.size()) != 0) {
    return Denied();
  }
  bool session = prefix == "fls_";
  if (session != (c->kind == "session")) return Denied();
  if (!c->revoked_at.empty()) return Denied();
  if (!c->expires_at.empty() && c->expires_at <= UtcNow()) return Denied();
  auto u = store_->GetUser(c->user_id);
  if (!u.ok()) return u.status().code() == StatusCode::kNotFound ? Denied() : u.status();
  if (u->disabled) return Denied();
  auto role = ParseRole(u->role);
  if (!role.ok()) return Denied();
  Principal p;
  p.user_id = u->id;
  p.name = u->name;
  p.role = *role;
  p.credential_id = c->id;
  p.session = session;
  if (session) p.csrf_token = HashSecret(secret, "faultline csrf v1:");
  p.expires_at = c->expires_at;
  return p;
}

Status Accounts::SignOut(const Principal& p) {
  ASSIGN_OR_RETURN(int64_t n, store_->Revoke(p.user_id, p.credential_id, UtcNow()));
  (void)n;
  return Status::Ok();
}

Result<std::vector<CredentialRecord>> Accounts::Credentials(const std::string& name) {
  ASSIGN_OR_RETURN(UserRecord u, store_->FindUser(name));
  return store_->Credentials(u.id);
}

Status Accounts::Audit(const std::string& who, const std::string& action, const std::string& target,
                       std::optional<std::string> before_json, std::optional<std::string> after_json) {
  AuditRecord r;
  r.at = UtcNow();
  r.who = who;
  r.action = action;
  r.target = target;
  r.before_json = std::move(before_json);
  r.after_json = std::move(after_json);
  return store_->AppendAudit(r).status();
}

}  // namespace faultline::server
