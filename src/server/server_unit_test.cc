// Unit tests for the server's parts that need no socket: the rate limiter,
// static file resolution (path traversal) and accounts (hashing, tokens,
// sessions, revocation). The HTTP routes are tested over loopback in
// test/server/.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "server/accounts.h"
#include "server/rate_limiter.h"
#include "server/static_files.h"

namespace faultline::server {
namespace {

namespace fs = std::filesystem;

TEST(RateLimiter, SpendsTheBurstThenRefillsAtTheRate) {
  RateLimiter r(2, 3);
  auto t0 = RateLimiter::Clock::now();
  double wait = 0;
  EXPECT_TRUE(r.Allow("a", &wait, t0));
  EXPECT_TRUE(r.Allow("a", &wait, t0));
  EXPECT_TRUE(r.Allow("a", &wait, t0));
  EXPECT_FALSE(r.Allow("a", &wait, t0));
  EXPECT_NEAR(wait, 0.5, 1e-9);
  EXPECT_TRUE(r.Allow("b", &wait, t0));  // keys are independent
  EXPECT_TRUE(r.Allow("a", &wait, t0 + std::chrono::milliseconds(500)));
  EXPECT_FALSE(r.Allow("a", &wait, t0 + std::chrono::milliseconds(500)));
}

TEST(RateLimiter, ZeroRateMeansNoLimit) {
  RateLimiter r(0, 0);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(r.Allow("a", nullptr));
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("fl-static-" + std::to_string(::getpid()));
    fs::create_directories(root_ / "app");
    fs::create_directories(root_ / "node_modules/leaflet/dist");
    std::ofstream(root_ / "app/index.html") << "<html></html>";
    std::ofstream(root_ / "app/main.js") << "1";
    std::ofstream(root_ / "secret.txt") << "no";
    std::ofstream(root_ / "node_modules/leaflet/dist/leaflet.js") << "L";
    std::ofstream(root_ / "node_modules/leaflet/package.json") << "{}";
    fs::create_symlink(root_ / "secret.txt", root_ / "app/link.txt");
  }
  void TearDown() override { fs::remove_all(root_); }
  fs::path root_;
};

TEST_F(StaticFilesTest, ServesTheAppAndTheMountedVendorFolders) {
  StaticFiles f(root_.string());
  ASSERT_TRUE(f.Resolve("/").ok());
  EXPECT_TRUE(f.Resolve("/").value().ends_with("app/index.html"));
  EXPECT_TRUE(f.Resolve("/app/main.js").ok());
  EXPECT_TRUE(f.Resolve("/vendor/leaflet/leaflet.js").ok());
}

TEST_F(StaticFilesTest, RefusesEveryWayOut) {
  StaticFiles f(root_.string());
  for (const char* p : {"/app/../secret.txt", "/app/..", "/app/./main.js", "/app//main.js", "/app/.hidden",
                        "/vendor/leaflet/../package.json", "/app/%2e%2e/secret.txt", "/app/link.txt",
                        "/secret.txt", "/app/", "/app/main.js/", "/app\\..\\secret.txt", "/node_modules/leaflet/package.json"}) {
    auto r = f.Resolve(p);
    EXPECT_FALSE(r.ok()) << p;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), StatusCode::kNotFound) << p;
    }
  }
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (fs::temp_directory_path() / ("fl-accounts-" + std::to_string(::getpid()) + ".db")).string();
    fs::remove(db_);
    auto a = Accounts::Open(db_);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    accounts_ = std::move(a).value();
  }
  void TearDown() override {
    accounts_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_ + suffix);
  }
  std::string db_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, TokensAuthenticateUntilRevokedAndAreStoredOnlyAsHashes) {
  auto u = accounts_->AddUser("ana", Role::kAnalyst, "test");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_GE(u->password.size(), 12u);
  EXPECT_EQ(accounts_->AddUser("ana", Role::kViewer, "test").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(accounts_->AddUser("a b", Role::kViewer, "test").status().code(), StatusCode::kInvalidArgument);
  auto token = accounts_->IssueToken("ana", "laptop", "test");
  ASSERT_TRUE(token.ok());
  auto p = accounts_->Authenticate(*token);
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "ana");
  EXPECT_EQ(p->role, Role::kAnalyst);
  EXPECT_FALSE(p->session);
  auto creds = accounts_->Credentials("ana");
  ASSERT_TRUE(creds.ok());
  ASSERT_EQ(creds->size(), 1u);
  EXPECT_EQ(token->find(creds->front().secret_hash), std::string::npos);
  EXPECT_NE(creds->front().secret_hash, *token);
  // A changed last character, a token of another shape, and junk all fail alike.
  std::string wrong = *token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {wrong, std::string("flt_"), std::string(""), std::string("' OR 1=1 --")}) {
    EXPECT_EQ(accounts_->Authenticate(bad).status().code(), StatusCode::kPermissionDenied) << bad;
  }
  auto n = accounts_->Revoke("ana", 0, false, "test");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(accounts_->Authenticate(*token).status().code(), StatusCode::kPermissionDenied);
}

TEST_F(AccountsTest, SignInGivesASessionWithACsrfTokenAndDisabledUsersCannotSignIn) {
  ASSERT_TRUE(accounts_->AddUser("root", Role::kAdmin, "test", "correct horse").ok());
  EXPECT_EQ(accounts_->SignIn("root", "wrong", 60).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts_->SignIn("nobody", "correct horse", 60).status().code(), StatusCode::kPermissionDenied);
  auto s = accounts_->SignIn("root", "correct horse", 60);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->principal.session);
  EXPECT_EQ(s->principal.csrf_token.size(), 64u);
  auto p = accounts_->Authenticate(s->secret);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->csrf_token, s->principal.csrf_token);
  // A session that has already expired is refused (SignIn authenticates
  // the session it made, so a past expiry fails at once).
  EXPECT_EQ(accounts_->SignIn("root", "correct horse", -10).status().code(), StatusCode::kPermissionDenied);
  ASSERT_TRUE(accounts_->Revoke("root", 0, true, "test").ok());
  EXPECT_EQ(accounts_->Authenticate(s->secret).status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(accounts_->SignIn("root", "correct horse", 60).status().code(), StatusCode::kPermissionDenied);
  auto audit = accounts_->store()->Audit(0, 10);
  ASSERT_TRUE(audit.ok());
  ASSERT_GE(audit->size(), 2u);
  EXPECT_EQ(audit->front().action, "users revoke");
}

}  // namespace
}  // namespace faultline::server
