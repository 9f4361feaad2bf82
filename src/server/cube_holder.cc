#include "server/cube_holder.h"

#include <utility>

namespace faultline::server {

CubeHolder::CubeHolder(std::string uri, Loader load)
    : uri_(std::move(uri)), load_(std::move(load)), thread_([this] { Run(); }) {}

CubeHolder::~CubeHolder() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void CubeHolder::Prefetch(uint64_t generation) {
  std::lock_guard<std::mutex> lock(mu_);
  want_ = std::max(want_, generation);
  requested_ = true;
  cv_.notify_all();
}

Result<std::shared_ptr<const Cube>> CubeHolder::Get(uint64_t generation, std::chrono::milliseconds wait) {
  std::unique_lock<std::mutex> lock(mu_);
  want_ = std::max(want_, generation);
  requested_ = true;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  bool asked = false;
  while (true) {
    if (cube_ && have_ >= generation) return cube_;
    if (!error_.ok() && error_generation_ >= generation) {
      Status e = std::exchange(error_, Status::Ok());  // the next call tries again
      return e;
    }
    if (!asked) {
      cv_.notify_all();  // wake the loader
      asked = true;
    }
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && !(cube_ && have_ >= generation)) {
      if (!error_.ok() && error_generation_ >= generation) continue;
      return Status(StatusCode::kUnavailable, "statistics are being loaded after a change to the incidents; retry shortly");
    }
  }
}

int64_t CubeHolder::loads() const {
  std::lock_guard<std::mutex> lock(mu_);
  return loads_;
}

void CubeHolder::Run() {
  std::unique_ptr<Store> store;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    const bool wanted = requested_ && !(cube_ && have_ >= want_) && !(!error_.ok() && error_generation_ >= want_);
    if (!wanted) {
      cv_.wait(lock);
      continue;
    }
    const uint64_t generation = want_;
    loading_ = true;
    // The old cube is not dropped here: requests hold their own reference,
    // and dropping it would not shorten anyone's wait.
    lock.unlock();
    Result<std::unique_ptr<Cube>> loaded = Status(StatusCode::kInternal, "not loaded");
    if (!store) {
      auto opened = Store::Open(uri_);
      if (opened.ok()) {
        store = std::move(*opened);
      } else {
        loaded = opened.status();
      }
    }
    if (store) loaded = load_(store.get());
    if (!loaded.ok()) store.reset();  // a failed handle is reopened next time
    lock.lock();
    loading_ = false;
    ++loads_;
    if (loaded.ok()) {
      if (!cube_ || generation >= have_) {
        cube_ = std::shared_ptr<const Cube>(std::move(*loaded));
        have_ = generation;
      }
    } else {
      error_ = loaded.status();
      error_generation_ = generation;
    }
    cv_.notify_all();
  }
}

}  // namespace faultline::server
