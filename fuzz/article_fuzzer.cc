// libFuzzer target for the news readers and the extraction pipeline, built
// once per FUZZ_ARTICLE_FORMAT: text, html, feed, ndjson, or pipeline (the
// text reader, then extraction, checking that every evidence span lies inside
// the text and every candidate's counts are ordered). A crash, sanitizer
// report, failed check or hang (libFuzzer -timeout) is a bug.
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "extract/article.h"
#include "extract/extractor.h"

#ifndef FUZZ_ARTICLE_FORMAT
#error "define FUZZ_ARTICLE_FORMAT"
#endif

using faultline::extract::Article;
using faultline::extract::ArticleFormat;

namespace {

ArticleFormat Format() {
  std::string_view f = FUZZ_ARTICLE_FORMAT;
  if (f == "html") return ArticleFormat::kHtml;
  if (f == "feed") return ArticleFormat::kFeed;
  if (f == "ndjson") return ArticleFormat::kNdjson;
  return ArticleFormat::kText;
}

const faultline::extract::Extractor* Ex() {
  static const faultline::extract::Extractor* ex = [] {
    auto e = faultline::extract::Extractor::Create();
    if (!e.ok()) std::abort();
    return e->release();
  }();
  return ex;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  bool pipeline = std::string_view(FUZZ_ARTICLE_FORMAT) == "pipeline";
  std::vector<faultline::extract::SkippedDocument> skipped;
  auto sink = [&](Article&& a) {
    if (!pipeline) return faultline::Status::Ok();
    auto x = Ex()->Extract(a);
    for (const auto& c : x.incidents) {
      for (const auto& e : c.incident.sources.at(0).evidence) {
        if (e.begin < 0 || e.end > static_cast<int32_t>(x.text.size()) || e.begin > e.end) std::abort();
      }
      for (const auto& err : faultline::Validate(c.incident)) {
        // Counts must be ordered and non-negative whatever the text says.
        if (err.field.rfind("killed", 0) == 0 || err.field.rfind("injured", 0) == 0) std::abort();
      }
    }
    return faultline::Status::Ok();
  };
  (void)faultline::extract::ReadArticles(input, "fuzz", Format(), sink, &skipped);
  return 0;
}
