// A result folder written while its run goes on: the time series appended
// and flushed per interval (nothing of it is kept in memory), the summary
// and meta rewritten whole when a target ends.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

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
  std::FILE* series = nullptr;
  std::optional<HlogWriter> hlog;
  int64_t start_unix_ms = 0;

  // Seconds from the folder's start (latency.hlog's BaseTime) to unix_ms.
  double since_start_s(int64_t unix_ms) const { return static_cast<double>(unix_ms - start_unix_ms) / 1e3; }

  void write(std::FILE* f, const std::string& text, const char* name) const {
    if (std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fflush(f) != 0)
      throw Error(ErrorClass::kFatal, "cannot write " + (fs::path(dir) / name).string() + " (disk full?)");
  }
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
  const std::string path = (fs::path(dir) / "timeseries.csv").string();
  impl_->series = std::fopen(path.c_str(), "wb");
  if (!impl_->series) throw Error(ErrorClass::kBadInput, "cannot write " + path);
  impl_->write(impl_->series, csv_line(timeseries_header()), "timeseries.csv");
}

RunFolder::~RunFolder() {
  if (impl_->series) std::fclose(impl_->series);
}

void RunFolder::append_intervals(const std::vector<Interval>& rows, int64_t measured_from_unix_ms) {
  if (!impl_->series) return;
  std::string text;
  for (const auto& r : rows) text += timeseries_line(r.row);
  impl_->write(impl_->series, text, "timeseries.csv");
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
  // meta first: summary.csv appearing means the run (so far) is written.
  write_file_atomic((fs::path(impl_->dir) / "meta.json").string(), meta_json(meta, summary));
  write_file_atomic((fs::path(impl_->dir) / "summary.csv").string(),
                    summary_csv(summary, meta.queries.has_value()));
}

}  // namespace oltap::results
