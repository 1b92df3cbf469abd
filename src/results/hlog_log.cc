// latency.hlog as a file: the writer a run appends to as it goes, the
// readers, and report's and compare's use of the whole-run histograms.
//
// The layout is HdrHistogram's interval log, format 1.3 (HistogramLogWriter
// and HistogramLogReader of the Java library): comment lines start with '#',
// "#[StartTime: <s since epoch> ..." and "#[BaseTime: <s since epoch> ..."
// among them; a legend line starts with '"'; each other line is
// "[Tag=<tag>,]<start s>,<length s>,<max>,<base64 histogram>", the start
// relative to BaseTime and max in the unit ratio of the writer (ms here).
// HlogWriter belongs to one thread; the readers keep no state.
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "append_file.h"
#include "csv.h"
#include "hlog_line.h"
#include "results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

// Interval_Max is max ns / 1e6, HistogramLogWriter's default ratio for ns
// values; 6 decimals keep it to the ns.
constexpr double kNsPerMs = 1e6;
constexpr int kMaxDecimals = 6;
constexpr int kSecondsDecimals = 3;
// The latency columns' decimals as writer.cc writes summary.csv.
constexpr int kLatencyDecimals = 3;

std::string log_path(const std::string& path) {
  return fs::is_directory(path) ? (fs::path(path) / kHlogFileName).string() : path;
}

// Seconds since the epoch with 3 decimals, from ms, without a double's rounding.
std::string epoch_seconds(int64_t unix_ms) {
  return std::to_string(unix_ms / 1000) + "." + fmt::format("{:03d}", unix_ms % 1000);
}

bool parse_double(std::string_view text, double& v) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  return !text.empty() && r.ec == std::errc() && r.ptr == text.data() + text.size() && std::isfinite(v);
}

using Line = HlogLine;

}  // namespace

void scan_hlog_lines(const std::string& path_in, const std::function<void(const Line&)>& fn) {
  const std::string path = log_path(path_in);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, path + ": cannot open the histogram log");
  std::string text;
  Line line;
  for (int number = 1; std::getline(in, text); ++number) {
    // The writer ends every line: one without its newline was cut short by
    // a kill as it was written (HlogWriter), and is left out.
    if (in.eof()) break;
    if (!text.empty() && text.back() == '\r') text.pop_back();
    if (text.empty() || text[0] == '#' || text[0] == '"') continue;
    line.where = path + ":" + std::to_string(number);
    std::vector<std::string_view> fields;
    std::string_view rest = text;
    for (size_t comma; (comma = rest.find(',')) != std::string_view::npos; rest.remove_prefix(comma + 1))
      fields.push_back(rest.substr(0, comma));
    fields.push_back(rest);
    line.tag.clear();
    if (fields[0].starts_with("Tag=")) {
      line.tag = fields[0].substr(4);
      fields.erase(fields.begin());
    }
    if (fields.size() != 4)
      throw Error(ErrorClass::kBadInput, line.where +
                                             ": expected [Tag=tag,]start,length,max,histogram, found " +
                                             std::to_string(fields.size()) + " fields after the tag");
    if (!parse_double(fields[0], line.start_s) || !parse_double(fields[1], line.length_s) ||
        !parse_double(fields[2], line.max))
      throw Error(ErrorClass::kBadInput, line.where + ": the start, length or max is not a number");
    line.histogram = fields[3];
    fn(line);
  }
  if (in.bad()) throw Error(ErrorClass::kBadInput, path + ": cannot read the histogram log");
}

metrics::Histogram decode_hlog_line(const Line& line) {
  metrics::Histogram h = decode_hlog_histogram(line.histogram, line.where);
  if (line.max >= 0) h.tighten_max(std::llround(line.max * kNsPerMs));
  return h;
}

int64_t hlog_base_unix_ms(const std::string& path_in) {
  const std::string path = log_path(path_in);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorClass::kBadInput, path + ": cannot open the histogram log");
  const std::string key = "#[BaseTime: ";
  for (std::string text; std::getline(in, text);) {
    if (!text.empty() && text[0] != '#') break;  // the headers come first
    if (!text.starts_with(key)) continue;
    // "<seconds>.<ms> (seconds since epoch)]", as HlogWriter writes it.
    const std::string seconds = text.substr(key.size(), text.find(' ', key.size()) - key.size());
    double v = 0;
    if (parse_double(seconds, v)) return std::llround(v * 1000);
  }
  throw Error(ErrorClass::kBadInput, path + ": no #[BaseTime: ...] header");
}

HlogWriter::HlogWriter(const std::string& dir, int64_t start_unix_ms) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(ErrorClass::kBadInput, "cannot create the result folder " + dir + ": " + ec.message());
  path_ = (fs::path(dir) / kHlogFileName).string();
  file_ = std::make_unique<AppendFile>(path_, /*truncate=*/false);
  if (!file_->was_empty()) return;
  const std::string seconds = epoch_seconds(start_unix_ms);
  file_->append(
      "#[Histogram log format version 1.3]\n"
      "#[StartTime: " +
      seconds + " (seconds since epoch), " + utc_iso(start_unix_ms) +
      "]\n"
      "#[BaseTime: " +
      seconds +
      " (seconds since epoch)]\n"
      "#[Values in ns; Interval_Max in ms; tags <target>/<group>/<txn>, whole:... for "
      "the whole run, svc:... for service times, stage=<stage>:... for a stage]\n"
      "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
      "\"Interval_Compressed_Histogram\"\n");
}

HlogWriter::~HlogWriter() {
  try {
    flush();
  } catch (const Error&) {
    // A destructor cannot report it; the owner's flush() does.
  }
}

void HlogWriter::append(const std::string& tag, double start_s, double length_s,
                        const metrics::Histogram& h) {
  pending_ +=
      "Tag=" + tag + "," + fixed(start_s, kSecondsDecimals) + "," + fixed(length_s, kSecondsDecimals) + "," +
      fixed(static_cast<double>(h.max()) / kNsPerMs, kMaxDecimals) + "," + encode_hlog_histogram(h) + "\n";
}

void HlogWriter::flush() {
  if (pending_.empty()) return;
  file_->append(pending_);
  pending_.clear();  // keeps its capacity: the next interval's lines fit without growing it
}

void HlogWriter::sync() {
  flush();
  file_->sync();
}

void for_each_hlog_entry(const std::string& path, const std::function<void(const HlogEntry&)>& fn) {
  scan_hlog_lines(path, [&](const Line& line) {
    fn(HlogEntry{line.tag, line.start_s, line.length_s, decode_hlog_line(line)});
  });
}

std::vector<HlogEntry> read_hlog(const std::string& path) {
  std::vector<HlogEntry> out;
  for_each_hlog_entry(path, [&](const HlogEntry& e) { out.push_back(e); });
  return out;
}

std::map<HlogTag, metrics::Histogram> read_whole_run_histograms(const std::string& path) {
  std::map<HlogTag, metrics::Histogram> out;
  scan_hlog_lines(path, [&](const Line& line) {
    if (!line.tag.starts_with(kHlogWholeRunPrefix)) return;
    auto tag = parse_hlog_tag(line.tag);
    if (!tag || tag->service) return;
    out[*tag].merge_from(decode_hlog_line(line));
  });
  return out;
}

int refill_latency_from_hlog(const std::string& path, std::vector<SummaryRow>& rows) {
  const fs::path folder = fs::is_directory(path) ? fs::path(path) : fs::path(path).parent_path();
  const fs::path log = folder / kHlogFileName;
  if (!fs::exists(log)) return 0;
  const auto whole = read_whole_run_histograms(log.string());
  int refilled = 0;
  for (auto& row : rows) {
    auto it = whole.find(HlogTag{row.target, row.group, row.txn, true, row.stage, false});
    if (it == whole.end()) continue;
    SummaryRow from = row;
    fill_latency(from, it->second);
    row.lat_p50_ms = rounded(from.lat_p50_ms, kLatencyDecimals);
    row.lat_p90_ms = rounded(from.lat_p90_ms, kLatencyDecimals);
    row.lat_p95_ms = rounded(from.lat_p95_ms, kLatencyDecimals);
    row.lat_p99_ms = rounded(from.lat_p99_ms, kLatencyDecimals);
    row.lat_p999_ms = rounded(from.lat_p999_ms, kLatencyDecimals);
    row.lat_max_ms = rounded(from.lat_max_ms, kLatencyDecimals);
    ++refilled;
  }
  return refilled;
}

}  // namespace oltap::results
