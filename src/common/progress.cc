#include "common/progress.h"

#include <unistd.h>

#include <cstdio>

namespace faultline {

bool ProgressBar::StderrIsTerminal() { return ::isatty(STDERR_FILENO) == 1; }

ProgressBar::ProgressBar(std::string label, uint64_t total)
    : label_(std::move(label)), total_(total), enabled_(StderrIsTerminal()) {}

ProgressBar::~ProgressBar() { Finish(); }

void ProgressBar::Update(uint64_t done, uint64_t rows) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  if (total_ > 0) {
    int pct = static_cast<int>(done * 100 / total_);
    int width = 30, filled = pct * width / 100;
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(width - filled), '.');
    std::fprintf(stderr, "\r%s [%s] %3d%% %llu rows", label_.c_str(), bar.c_str(), pct,
                 static_cast<unsigned long long>(rows));
  } else {
    std::fprintf(stderr, "\r%s %llu rows", label_.c_str(), static_cast<unsigned long long>(rows));
  }
  std::fflush(stderr);
}

void ProgressBar::Finish() {
  if (enabled_ && drawn_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }
}

}  // namespace faultline
