#include "io/import_driver.h"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>

#include "common/progress.h"
#include "io/native_csv.h"

namespace faultline {
namespace {

// FNV-1a 64: a stable identity for rows whose format has no id column.
uint64_t Fnv1a(const std::vector<std::string>& fields) {
  uint64_t h = 1469598103934665603ull;
  for (const auto& f : fields) {
    for (unsigned char c : f) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0x1f;
    h *= 1099511628211ull;
  }
  return h;
}

std::string UtcNow() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class Quarantine {
 public:
  Status Open(const std::string& path) {
    file_ = std::fopen(path.c_str(), "wb");
    if (file_ == nullptr) return IoError(path + ": cannot open quarantine file for writing");
    Write({"file", "line", "column", "reason", "row"});
    return Status::Ok();
  }
  ~Quarantine() {
    if (file_ != nullptr) std::fclose(file_);
  }
  void Write(const std::vector<std::string>& fields) {
    if (file_ == nullptr) return;
    std::string line = CsvLine(fields);
    std::fwrite(line.data(), 1, line.size(), file_);
  }
  Status Close(const std::string& path) {
    if (file_ == nullptr) return Status::Ok();
    bool bad = std::ferror(file_) != 0;
    bad |= std::fclose(file_) != 0;
    file_ = nullptr;
    return bad ? IoError(path + ": writing the quarantine file failed") : Status::Ok();
  }

 private:
  std::FILE* file_ = nullptr;
};

// Valid rows are written in batches of this many (Store::UpsertRenderedBatch:
// a few round trips per batch on PostgreSQL).
constexpr size_t kWriteBatch = 2000;

// Reads, maps and validates rows on a thread of its own while the caller
// writes the rows before them: the store's work and the parsing overlap.
// Rows travel in chunks through a queue of at most kChunks chunks, so memory
// stays bounded; emptied chunks come back to be refilled (their rows keep
// their strings' capacity). The RowSource is used only by the reader thread
// until Finish() has joined it.
class RowPipeline {
 public:
  struct Chunk {
    std::vector<ImportedRow> rows;
    std::vector<IncidentText> texts;  // texts[i]: RenderIncidentText of rows[i] when it is an incident
    size_t size = 0;              // rows filled
    uint64_t bytes_consumed = 0;  // the source's position after the last row
  };

  // With `threaded` false, Next() reads each chunk on the calling thread:
  // the same rows in the same order, the reference the pipeline is tested
  // against.
  RowPipeline(RowSource* source, std::string importer, bool threaded)
      : source_(source), importer_(std::move(importer)), threaded_(threaded) {
    for (size_t i = 0; i < kChunks + 1; ++i) {
      free_.push_back(std::make_unique<Chunk>());
      free_.back()->rows.resize(kChunkRows);
      free_.back()->texts.resize(kChunkRows);
    }
    if (threaded_) reader_ = std::thread([this] { Read(); });
  }
  RowPipeline(const RowPipeline&) = delete;
  RowPipeline& operator=(const RowPipeline&) = delete;
  ~RowPipeline() { Finish(); }

  // The next chunk of rows, or null at the end of input.
  std::unique_ptr<Chunk> Next() {
    if (!threaded_) {
      if (done_) return nullptr;
      std::unique_ptr<Chunk> c = std::move(free_.back());
      free_.pop_back();
      done_ = !Fill(c.get());
      if (c->size > 0) return c;
      free_.push_back(std::move(c));
      return nullptr;
    }
    std::unique_lock lock(mu_);
    ready_cv_.wait(lock, [&] { return !ready_.empty() || done_; });
    if (ready_.empty()) return nullptr;
    std::unique_ptr<Chunk> c = std::move(ready_.front());
    ready_.pop_front();
    free_cv_.notify_one();
    return c;
  }

  void Recycle(std::unique_ptr<Chunk> c) {
    std::lock_guard lock(mu_);
    free_.push_back(std::move(c));
    free_cv_.notify_one();
  }

  // Stops the reader (if it is still reading) and joins it.
  void Finish() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    free_cv_.notify_all();
    if (reader_.joinable()) reader_.join();
  }

 private:
  static constexpr size_t kChunkRows = 256;
  // Two write batches of rows: while the caller writes one batch, the reader
  // fills the next, and the caller finds it ready when it comes back. With a
  // queue shorter than a batch (4 chunks, before) the two threads took turns:
  // the caller waited for the reader at every batch (≈ 370 waits in 200k
  // rows, against ≈ 8 now) and an import took ≈ 16 % longer on an idle
  // machine (docs/benchmarks.md). Memory: ≈ 10 MiB more, whatever the file.
  static constexpr size_t kChunks = (2 * kWriteBatch + kChunkRows - 1) / kChunkRows;

  void Read() {
    bool more = true;
    while (more) {
      std::unique_ptr<Chunk> c;
      {
        std::unique_lock lock(mu_);
        free_cv_.wait(lock, [&] { return stop_ || (!free_.empty() && ready_.size() < kChunks); });
        if (stop_) break;
        c = std::move(free_.back());
        free_.pop_back();
      }
      more = Fill(c.get());
      std::lock_guard lock(mu_);
      if (c->size > 0) {
        ready_.push_back(std::move(c));
      } else {
        free_.push_back(std::move(c));
      }
      ready_cv_.notify_one();
    }
    std::lock_guard lock(mu_);
    done_ = true;
    ready_cv_.notify_all();
  }

  // Fills `c` from the source; false when the source has ended.
  bool Fill(Chunk* c) {
    c->size = 0;
    bool more = true;
    while (c->size < c->rows.size()) {
      ImportedRow& row = c->rows[c->size];
      if (!source_->Next(&row)) {
        more = false;
        break;
      }
      Prepare(&row, &c->texts[c->size]);
      ++c->size;
    }
    c->bytes_consumed = source_->bytes_consumed();
    return more;
  }

  // The identity of a row without one, validation, and the text the store
  // derives from a valid row: per-row work that needs no store, done here
  // so that the writing thread only writes.
  void Prepare(ImportedRow* row, IncidentText* text) const {
    if (row->kind != ImportedRow::Kind::kIncident) return;
    if (row->incident.source_key.empty()) {
      char buf[24];
      std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(Fnv1a(row->raw_fields)));
      row->incident.source_key = importer_ + ":h" + buf;
    }
    auto problems = Validate(row->incident);
    if (!problems.empty()) {
      row->kind = ImportedRow::Kind::kRejected;
      row->column = problems.front().field;
      row->reason = problems.front().message;
      for (size_t i = 1; i < problems.size(); ++i) {
        row->reason += "; " + problems[i].field + ": " + problems[i].message;
      }
      return;
    }
    RenderIncidentText(row->incident, text);
  }

  RowSource* source_;
  const std::string importer_;
  const bool threaded_;
  std::mutex mu_;
  std::condition_variable ready_cv_, free_cv_;
  std::deque<std::unique_ptr<Chunk>> ready_;
  std::vector<std::unique_ptr<Chunk>> free_;
  bool done_ = false;
  bool stop_ = false;
  std::thread reader_;  // last: started when everything above is ready
};

}  // namespace

std::string NewBatchId() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  std::random_device rd;
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%04x", rd() & 0xffff);
  return std::string(buf) + "-" + suffix;
}

Result<ImportSummary> RunImport(Store* store, RowSource* source, const ImportContext& ctx,
                                const ImportOptions& options) {
  ImportSummary summary;
  ImportRecord& rec = summary.record;
  rec.batch_id = ctx.batch_id;
  rec.importer = std::string(source->format());
  rec.file = ctx.file_label;
  rec.started_at = UtcNow();
  RETURN_IF_ERROR(source->fatal());

  const bool quarantine = !options.quarantine_path.empty();
  Quarantine q;
  if (quarantine && !options.dry_run) RETURN_IF_ERROR(q.Open(options.quarantine_path));
  summary.quarantine_path = options.quarantine_path;

  RETURN_IF_ERROR(store->Begin());
  bool open = true;
  auto fail = [&](const Status& s) -> Status {
    if (open) (void)store->Rollback();
    open = false;
    return s;
  };

  std::unique_ptr<ProgressBar> bar;
  if (options.progress) bar = std::make_unique<ProgressBar>("importing " + ctx.file_label, source->total_bytes());

  // Valid rows are written in batches of kWriteBatch. A batch never spans a
  // commit of batch mode, so the commits fall exactly every batch_size rows.
  // The first n_pending slots of `pending` and `pending_texts` are the
  // batch. The slots keep the rows of earlier batches, and a row is
  // move-assigned over one: libstdc++ hands a string's old buffer back to the
  // string moved from, so the chunk takes the earlier row's strings back
  // and the reader thread, which resets a row before filling it, frees them
  // (a swap did the same with three moves instead of one; measured).
  std::vector<Incident> pending(kWriteBatch);
  std::vector<IncidentText> pending_texts(kWriteBatch);
  size_t n_pending = 0;
  std::vector<uint64_t> pending_lines;
  std::vector<WriteOutcome> outcomes;
  int64_t in_batch = 0;
  auto flush = [&]() -> Status {
    if (n_pending == 0) return Status::Ok();
    outcomes.clear();
    Status s = store->UpsertRenderedBatch(std::span(pending.data(), n_pending),
                                          std::span<const IncidentText>(pending_texts.data(), n_pending),
                                          options.change, &outcomes);
    for (WriteOutcome o : outcomes) {
      switch (o) {
        case WriteOutcome::kInserted: ++rec.rows_inserted; break;
        case WriteOutcome::kUpdated: ++rec.rows_updated; break;
        case WriteOutcome::kUnchanged: ++rec.rows_unchanged; break;
      }
    }
    if (!s.ok()) {
      // The first row without an outcome is the one that failed, or the
      // first of those the backend wrote together.
      const size_t at = std::min(outcomes.size(), pending_lines.size() - 1);
      return s.WithContext(ctx.file_label + ":" + std::to_string(pending_lines[at]));
    }
    in_batch += static_cast<int64_t>(n_pending);
    n_pending = 0;
    pending_lines.clear();
    if (options.batch_size > 0 && in_batch >= options.batch_size && !options.dry_run) {
      in_batch = 0;
      s = store->Commit();
      if (s.ok()) s = store->Begin();
    }
    return s;
  };

  RowPipeline rows(source, rec.importer, options.reader_thread);
  while (std::unique_ptr<RowPipeline::Chunk> chunk = rows.Next()) {
    for (size_t r = 0; r < chunk->size; ++r) {
      ImportedRow& row = chunk->rows[r];
      ++rec.rows_read;
      if (row.kind == ImportedRow::Kind::kRejected) {
        ++rec.rows_rejected;
        std::string msg = ctx.file_label + ":" + std::to_string(row.line) + ": " +
                          (row.column.empty() ? std::string() : "column " + row.column + ": ") + row.reason;
        if (summary.errors.size() < options.max_reported_errors) summary.errors.push_back(std::move(msg));
        if (quarantine) {
          std::string raw = CsvLine(row.raw_fields);
          if (!raw.empty()) raw.pop_back();
          q.Write({ctx.file_label, std::to_string(row.line), row.column, row.reason, raw});
        }
        continue;
      }
      // In atomic mode a rejected row means nothing is kept, but valid rows
      // are still written to the open transaction, so that the counts say
      // exactly what a corrected file would store.
      pending[n_pending] = std::move(row.incident);
      pending_texts[n_pending] = std::move(chunk->texts[r]);
      ++n_pending;
      pending_lines.push_back(row.line);
      const bool commit_due =
          options.batch_size > 0 && in_batch + static_cast<int64_t>(n_pending) >= options.batch_size;
      if (n_pending >= kWriteBatch || commit_due) {
        Status s = flush();
        if (!s.ok()) return fail(s);  // ~RowPipeline stops the reader
      }
    }
    if (bar) bar->Update(chunk->bytes_consumed, static_cast<uint64_t>(rec.rows_read));
    rows.Recycle(std::move(chunk));
  }
  rows.Finish();
  if (bar) bar->Finish();
  if (!source->fatal().ok()) return fail(source->fatal());
  if (Status s = flush(); !s.ok()) return fail(s);

  const bool keep = !options.dry_run && (quarantine || rec.rows_rejected == 0);
  if (keep) {
    Status s = store->RecordImport(rec);
    if (!s.ok()) return fail(s);
    s = store->Commit();
    open = false;
    if (!s.ok()) return s;
    summary.committed = true;
  } else {
    (void)fail(Status::Ok());
  }
  if (quarantine && !options.dry_run) RETURN_IF_ERROR(q.Close(options.quarantine_path));
  return summary;
}

}  // namespace faultline
