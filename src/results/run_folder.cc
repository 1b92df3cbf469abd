// A result folder written while its run goes on: meta.json from the start
// (saying the run is running), the time series appended per interval
// (nothing of it is kept in memory), the summary and meta rewritten whole
// when a target ends.
//
// What a kill keeps: each interval's timeseries.csv lines and then its
// latency.hlog lines go to the kernel in one write(2) each (AppendFile)
// as the recorder hands them over, so a SIGKILL loses at most the interval
// being written. Per interval they are handed to the kernel, not synced to
// the disk: a killed process's writes stay in the page cache and reach the
// file, and an fdatasync(2) on the recorder's thread each second would put
// a journal commit (milliseconds, more on a busy disk) between its reads of
// the clients. What only a machine that goes down would lose is synced when
// a target ends, before its summary and meta are renamed into place.
#include <filesystem>
#include <optional>

#include "append_file.h"
#include "csv.h"
#include "results.h"

namespace oltap::results {

std::vector<std::string> timeseries_header();                                      // writer.cc
std::string timeseries_line(const TimeseriesRow& r);                               // writer.cc
std::string summary_csv(const std::vector<SummaryRow>& summary, bool analytical);  // writer.cc
std::string meta_json(const Meta& meta, const std::vector<SummaryRow>& summary);   // meta.cc

namespace fs = std::filesystem;

namespace {

// The files a run writes, and their temporaries.
const char* const kRunFiles[] = {"summary.csv", "timeseries.csv", "meta.json", kHlogFileName};

}  // namespace

struct RunFolder::Impl {
  std::string dir;
  std::optional<AppendFile> series;
  std::optional<HlogWriter> hlog;
  std::string text;  // an interval's series lines, reused
  int64_t start_unix_ms = 0;

  // Seconds from the folder's start (latency.hlog's BaseTime) to unix_ms.
  double since_start_s(int64_t unix_ms) const { return static_cast<double>(unix_ms - start_unix_ms) / 1e3; }
};

RunFolder::RunFolder(const std::string& dir, bool force, bool series, int64_t start_unix_ms)
    : impl_(std::make_unique<Impl>()) {
  check_out_dir(dir, force);
  impl_->dir = dir;
  impl_->start_unix_ms = start_unix_ms;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorClass::kBadInput, "cannot create the result folder " + dir + ": " + ec.message());
  // With --force, what an earlier run left must not mix with this one's.
  for (const char* name : kRunFiles) {
    fs::remove(fs::path(dir) / name, ec);
    fs::remove(fs::path(dir) / (std::string(name) + ".tmp"), ec);
  }
  if (!series) return;
  impl_->hlog.emplace(dir, start_unix_ms);
  impl_->series.emplace((fs::path(dir) / "timeseries.csv").string(), /*truncate=*/true);
  impl_->series->append(csv_line(timeseries_header()));
}

RunFolder::~RunFolder() = default;

void RunFolder::append_intervals(const std::vector<Interval>& rows, int64_t measured_from_unix_ms) {
  if (!impl_->series) return;
  std::string& text = impl_->text;
  text.clear();
  for (const auto& r : rows) text += timeseries_line(r.row);
  impl_->series->append(text);
  const double from_s = impl_->since_start_s(measured_from_unix_ms);
  for (const auto& r : rows) {
    const TimeseriesRow& t = r.row;
    const double start_s = from_s + t.t_s - r.length_s;
    if (r.latency)
      impl_->hlog->append(hlog_tag(t.target, t.group, t.txn, t.stage), start_s, r.length_s, *r.latency);
    if (r.service)
      impl_->hlog->append(hlog_tag(t.target, t.group, t.txn, t.stage, true), start_s, r.length_s, *r.service);
  }
  impl_->hlog->flush();
}

void RunFolder::append_whole_run(const SummaryRow& row, const metrics::Histogram& latency,
                                 const metrics::Histogram* service, int64_t measured_from_unix_ms) {
  if (!impl_->hlog) return;
  const double start_s = impl_->since_start_s(measured_from_unix_ms);
  impl_->hlog->append(hlog_whole_run_tag(row.target, row.group, row.txn, row.stage), start_s, row.duration_s,
                      latency);
  if (service)
    impl_->hlog->append(hlog_whole_run_tag(row.target, row.group, row.txn, row.stage, true), start_s,
                        row.duration_s, *service);
  impl_->hlog->flush();
}

void RunFolder::write_summary(const std::vector<SummaryRow>& summary, const Meta& meta) {
  if (impl_->series) {
    impl_->series->sync();
    impl_->hlog->sync();
  }
  // meta first: summary.csv appearing means the run (so far) is written.
  write_file_atomic((fs::path(impl_->dir) / "meta.json").string(), meta_json(meta, summary));
  // Not before a target has rows: a folder without summary.csv is a run
  // that never got to the end of its first target (killed, when meta.json
  // still says running).
  if (summary.empty() && meta.status == "running") return;
  write_file_atomic((fs::path(impl_->dir) / "summary.csv").string(),
                    summary_csv(summary, meta.queries.has_value()));
}

}  // namespace oltap::results
