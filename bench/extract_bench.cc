// Extraction throughput (issue 3 benchmark): builds a corpus of N articles
// from the project's samples (data/samples/news; each copy gets its own URL
// and is published 3 days after the previous copy of the same sample, so
// the corpus spreads over time as a press archive does and resolution sees
// realistic windows rather than thousands of same-day duplicates),
// extracts every one, and with --db also resolves the candidates into a
// store in one transaction per --batch articles (default 1; `faultline
// ingest` commits once per 100 documents). Prints articles/s, MB/s and
// sentences/s by wall clock and per CPU second (user + system time of this
// process, which is what one core does when others share the machine), and
// peak RSS.
//
//   build/bench/bench/extract_bench --samples data/samples/news --articles 10000 [--db /tmp/x.db [--batch 100]]
// --huge N extracts one run-on article of N MB instead (linear time check).
// --batch N commits every N articles, as `ingest --batch N` does for N one-article files.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "common/date.h"
#include "extract/article.h"
#include "extract/extractor.h"
#include "faultline/store.h"
#include "resolve/resolver.h"

int main(int argc, char** argv) {
  std::string samples = "data/samples/news", db;
  long n = 10000, batch = 1, huge_mb = 0;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--samples")) samples = argv[i + 1];
    if (!std::strcmp(argv[i], "--articles")) n = std::atol(argv[i + 1]);
    if (!std::strcmp(argv[i], "--db")) db = argv[i + 1];
    if (!std::strcmp(argv[i], "--batch")) batch = std::max(1L, std::atol(argv[i + 1]));
    if (!std::strcmp(argv[i], "--huge")) huge_mb = std::atol(argv[i + 1]);
  }
  if (huge_mb > 0) {
    // One run-on article of N MB without a full stop: time must stay linear.
    auto ex = faultline::extract::Extractor::Create();
    if (!ex.ok()) return 1;
    std::string unit = "gunmen opened fire in Bannu killing 12 people and wounding twenty-one others while ";
    faultline::extract::Article a;
    while (a.body.size() < static_cast<size_t>(huge_mb) << 20) a.body += unit;
    auto t0 = std::chrono::steady_clock::now();
    auto x = (*ex)->Extract(a);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("run-on article of %ld MB: %d sentences, %zu incidents, %.2f s (%.1f MB/s)\n", huge_mb, x.sentences,
                x.incidents.size(), secs, huge_mb / secs);
    return 0;
  }
  std::vector<faultline::extract::Article> base;
  for (const auto& e : std::filesystem::directory_iterator(samples)) {
    if (e.path().extension() != ".txt") continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    auto a = faultline::extract::ParseTextArticle(ss.str(), e.path().filename().string());
    if (a.ok()) base.push_back(std::move(*a));
  }
  if (base.empty()) {
    std::fprintf(stderr, "no sample articles in %s\n", samples.c_str());
    return 1;
  }
  auto ex = faultline::extract::Extractor::Create();
  if (!ex.ok()) {
    std::fprintf(stderr, "%s\n", ex.status().message().c_str());
    return 1;
  }
  std::unique_ptr<faultline::Store> store;
  if (!db.empty()) {
    auto s = faultline::Store::Open(db);
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.status().message().c_str());
      return 1;
    }
    store = std::move(*s);
  }
  size_t bytes = 0;
  long sentences = 0, incidents = 0, merged = 0;
  auto cpu_seconds = [] {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  };
  const double cpu0 = cpu_seconds();
  auto t0 = std::chrono::steady_clock::now();
  for (long i = 0; i < n; ++i) {
    faultline::extract::Article a = base[static_cast<size_t>(i) % base.size()];
    a.url = "https://bench.invalid/" + std::to_string(i);
    if (auto day = a.PublishedDay()) {
      a.published = faultline::CivilDate(*day + 3 * static_cast<int32_t>(i / static_cast<long>(base.size()))).ToString();
    }
    auto x = (*ex)->Extract(a);
    bytes += x.text.size();
    sentences += x.sentences;
    incidents += static_cast<long>(x.incidents.size());
    if (store) {
      if (i % batch == 0 && !store->Begin().ok()) return 1;
      for (size_t k = 0; k < x.incidents.size(); ++k) {
        auto r = faultline::resolve::Resolve(store.get(), a, static_cast<int>(k + 1), x.incidents[k], {});
        if (!r.ok()) {
          std::fprintf(stderr, "%s\n", r.status().message().c_str());
          return 1;
        }
        merged += r->resolution == faultline::resolve::Resolution::kMerged;
      }
      if ((i + 1) % batch == 0 || i + 1 == n) {
        if (!store->Commit().ok()) return 1;
      }
    }
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = cpu_seconds() - cpu0;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("%ld articles (%zu samples cycled), %.1f MB, %ld sentences, %ld candidates%s\n", n, base.size(),
              bytes / 1e6, sentences, incidents, store ? (", " + std::to_string(merged) + " merged").c_str() : "");
  if (store) std::printf("(one transaction per %ld articles)\n", batch);
  std::printf("%s: %.2f s  %.0f articles/s  %.2f MB/s  %.0f sentences/s  peak RSS %.0f MiB\n",
              store ? "extract+resolve" : "extract", secs, n / secs, bytes / 1e6 / secs, sentences / secs,
              ru.ru_maxrss / 1024.0);
  std::printf("%s per CPU second: %.2f CPU s  %.0f articles/s  %.2f MB/s  %.0f sentences/s\n",
              store ? "extract+resolve" : "extract", cpu, n / cpu, bytes / 1e6 / cpu, sentences / cpu);
  return 0;
}
