// Fetching a feed over HTTP(S) for `faultline ingest --feed URL` (libcurl).
// Bounded in time and size, so a server that hangs or sends without end
// cannot stall ingestion: the error says which limit was hit.
#ifndef FAULTLINE_EXTRACT_FETCH_H_
#define FAULTLINE_EXTRACT_FETCH_H_

#include <cstddef>
#include <string>

#include "faultline/status.h"

namespace faultline::extract {

struct FetchOptions {
  double timeout_seconds = 30;        // whole transfer, connection included
  size_t max_bytes = size_t{64} << 20;  // larger bodies are refused
};

// The body of a 2xx response. Unavailable for connection failures and
// timeouts, InvalidArgument for a malformed URL, an HTTP error status or a
// body over the limit.
Result<std::string> FetchUrl(const std::string& url, const FetchOptions& options = {});

}  // namespace faultline::extract

#endif  // FAULTLINE_EXTRACT_FETCH_H_
