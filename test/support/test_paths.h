// Paths the tests use: the project's test/ folder, a fresh temporary
// directory per test, and ../shared/data for the evaluation suite.
#ifndef FAULTLINE_TEST_SUPPORT_TEST_PATHS_H_
#define FAULTLINE_TEST_SUPPORT_TEST_PATHS_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace faultline::testing {

inline std::filesystem::path TestDir() {
  const char* d = std::getenv("FAULTLINE_TEST_DIR");
#ifdef FAULTLINE_SOURCE_DIR
  return d ? std::filesystem::path(d) : std::filesystem::path(FAULTLINE_SOURCE_DIR) / "test";
#else
  return d ? std::filesystem::path(d) : std::filesystem::path("test");
#endif
}

// ../shared/data beside the checkout (FAULTLINE_SHARED_DATA overrides);
// empty when absent: evaluation tests then skip, the rest must still pass.
inline std::filesystem::path SharedData() {
  if (const char* d = std::getenv("FAULTLINE_SHARED_DATA")) return d;
  auto p = TestDir() / ".." / ".." / "shared" / "data";
  return std::filesystem::exists(p) ? std::filesystem::canonical(p) : std::filesystem::path();
}

// A fresh directory removed when the object dies.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "faultline-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace faultline::testing

#endif  // FAULTLINE_TEST_SUPPORT_TEST_PATHS_H_
