// A statistics cube held in memory by the server and loaded by a thread of
// its own, so that no request thread ever runs a load (seconds at a million
// incidents): the server asks for the cube as of a cache generation (which
// moves only when incidents or phases changed, see Store::IncidentsStamp);
// the loader thread loads it through a Store handle of its own while the
// requests wait, each for at most `wait`, after which it gets Unavailable
// ("the cube is loading"; the route answers 503 with Retry-After and closes
// the connection, so a keep-alive client cannot pin a server thread on it).
// Prefetch() starts a load without waiting: the server calls it at start-up.
// Thread-safe; the cube is immutable once published. The destructor waits
// for a load in progress (Cube::Load cannot be cancelled).
#ifndef FAULTLINE_SERVER_CUBE_HOLDER_H_
#define FAULTLINE_SERVER_CUBE_HOLDER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "analysis/cube.h"
#include "faultline/status.h"
#include "faultline/store.h"

namespace faultline::server {

class CubeHolder {
 public:
  using Loader = std::function<Result<std::unique_ptr<Cube>>(Store*)>;
  // `uri` is the database the loader opens; `load` builds the cube
  // (Cube::Load, or LoadRolledUpCube).
  CubeHolder(std::string uri, Loader load);
  ~CubeHolder();
  CubeHolder(const CubeHolder&) = delete;
  CubeHolder& operator=(const CubeHolder&) = delete;

  // Starts loading the cube of `generation` unless it is held or loading.
  void Prefetch(uint64_t generation);
  // The cube as of `generation` or later (generations only grow). Waits for
  // the loader at most `wait`: Unavailable when it is still loading then;
  // the load's own error (once, then the next call loads again) on failure.
  Result<std::shared_ptr<const Cube>> Get(uint64_t generation, std::chrono::milliseconds wait);
  // How many loads have finished (successful or not): tests check that a
  // write which changes no incident loads nothing.
  int64_t loads() const;

 private:
  void Run();

  const std::string uri_;
  const Loader load_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<const Cube> cube_;
  uint64_t have_ = 0;  // the generation cube_ is as of
  uint64_t want_ = 0;  // the newest generation asked for
  bool requested_ = false;  // someone asked for a cube (generation 0 included)
  bool loading_ = false;
  Status error_;       // the last failed load's error, for want_
  uint64_t error_generation_ = 0;
  int64_t loads_ = 0;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the fields above exist
};

}  // namespace faultline::server

#endif  // FAULTLINE_SERVER_CUBE_HOLDER_H_
