// A one-line progress bar on stderr, drawn only when stderr is a terminal
// and at most ten times a second. Not thread-safe.
#ifndef FAULTLINE_COMMON_PROGRESS_H_
#define FAULTLINE_COMMON_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <string>

namespace faultline {

class ProgressBar {
 public:
  // `total` in the same unit as Update's `done` (bytes, rows); 0 = unknown.
  ProgressBar(std::string label, uint64_t total);
  ~ProgressBar();
  void Update(uint64_t done, uint64_t rows);
  void Finish();
  static bool StderrIsTerminal();

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_;
};

}  // namespace faultline

#endif  // FAULTLINE_COMMON_PROGRESS_H_
