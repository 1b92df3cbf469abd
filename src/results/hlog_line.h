// One histogram line of a latency.hlog, split but not decoded: what `oltap
// merge` keeps of the shards' logs (a line's compressed histogram is a few
// hundred bytes, its decoded one 37 KB), decoding only the lines of the
// interval it writes. Private to results; the readers keep no state.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "metrics/metrics.h"

namespace oltap::results {

struct HlogLine {
  std::string tag;
  double start_s = 0, length_s = 0, max = 0;  // max in ms (Interval_Max)
  std::string histogram;                      // base64
  std::string where;                          // "file:line"
};
// Calls fn for each histogram line of the log at path (a result folder is
// accepted too), in file order. Throws Error(kBadInput) naming file:line.
void scan_hlog_lines(const std::string& path, const std::function<void(const HlogLine&)>& fn);
// The line's histogram, its max exact from Interval_Max.
metrics::Histogram decode_hlog_line(const HlogLine& line);
// The log's BaseTime in ms since the epoch (what its start_s count from).
// Throws Error(kBadInput) when the header has none.
int64_t hlog_base_unix_ms(const std::string& path);

}  // namespace oltap::results
