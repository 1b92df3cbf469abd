// A rate sweep's results (src/results/curve.cc): the --slo forms accepted
// and refused, whether a point met its objective with skipped transactions
// counted against it (at the exact boundary), the knee of a curve that is
// not monotone, and curve.csv written and read back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;
using metrics::Histogram;

constexpr int64_t kMs = 1'000'000;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// n values of ms each.
Histogram of(int64_t n, int64_t ms) {
  Histogram h;
  for (int64_t i = 0; i < n; ++i) h.record(ms * kMs);
  return h;
}

// ---------------------------------------------------------------- parse_slo

TEST(ParseSlo, AcceptsEachMetricAndUnit) {
  struct Case {
    const char* text;
    const char* metric;
    double quantile;
    bool service, is_max;
    double limit_ms;
  };
  const Case cases[] = {
      {"p99<10ms", "p99", 0.99, false, false, 10},       {"p99.9<=50ms", "p999", 0.999, false, false, 50},
      {"p999<50ms", "p999", 0.999, false, false, 50},    {"svc_p99<5ms", "svc_p99", 0.99, true, false, 5},
      {"p50<1s", "p50", 0.5, false, false, 1000},        {"p90<250us", "p90", 0.9, false, false, 0.25},
      {"p95 <= 2.5 ms", "p95", 0.95, false, false, 2.5}, {"max<1s", "max", 1, false, true, 1000},
      {"svc_p50<1ms", "svc_p50", 0.5, true, false, 1},   {"svc_max<=20ms", "svc_max", 1, true, true, 20},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    const Slo slo = parse_slo(c.text);
    EXPECT_EQ(slo.text, c.text);
    EXPECT_EQ(slo.metric, c.metric);
    EXPECT_DOUBLE_EQ(slo.quantile, c.quantile);
    EXPECT_EQ(slo.service, c.service);
    EXPECT_EQ(slo.is_max, c.is_max);
    EXPECT_DOUBLE_EQ(slo.limit_ms, c.limit_ms);
  }
}

TEST(ParseSlo, RefusesWhatItCannotReadSayingWhyAndWhatItAccepts) {
  const std::pair<const char*, const char*> cases[] = {
      {"p99>10ms", "no '<'"},
      {"p98<10ms", "unknown metric 'p98'"},
      {"svc_p95<1ms", "unknown metric 'svc_p95'"},
      {"<10ms", "unknown metric ''"},
      {"p99<", "no limit"},
      {"p99<ms", "no limit"},
      {"p99<10", "no unit"},
      {"p99<10min", "unknown unit 'min'"},
      {"p99<0ms", "above 0"},
      {"p99<-1ms", "above 0"},
      {"", "no '<'"},
  };
  for (const auto& [text, why] : cases) {
    SCOPED_TRACE(text);
    try {
      parse_slo(text);
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
      EXPECT_TRUE(contains(e.what(), why)) << e.what();
      EXPECT_TRUE(contains(e.what(), "p99.9<=50ms")) << "the accepted forms: " << e.what();
      EXPECT_TRUE(contains(e.what(), "svc_max")) << e.what();
    }
  }
}

// ---------------------------------------------------------------- slo_met

TEST(SloMet, ComparesTheQuantileWithTheLimit) {
  Histogram h = of(98, 1);
  h.merge_from(of(2, 20));  // p99 is 20 ms, p50 1 ms
  const Histogram none;
  EXPECT_TRUE(slo_met(parse_slo("p50<2ms"), h, none, 0));
  EXPECT_FALSE(slo_met(parse_slo("p99<10ms"), h, none, 0));
  EXPECT_TRUE(slo_met(parse_slo("p99<21ms"), h, none, 0));
  EXPECT_FALSE(slo_met(parse_slo("max<19ms"), h, none, 0));
  EXPECT_TRUE(slo_met(parse_slo("max<=20ms"), h, none, 0));
}

TEST(SloMet, SvcMetricsReadTheServiceHistogram) {
  const Histogram latency = of(100, 50);  // a stall in the schedule...
  const Histogram service = of(100, 2);   // ...that the server did not cause
  EXPECT_TRUE(slo_met(parse_slo("svc_p99<5ms"), latency, service, 0));
  EXPECT_FALSE(slo_met(parse_slo("p99<5ms"), latency, service, 0));
  EXPECT_TRUE(slo_met(parse_slo("svc_max<5ms"), latency, service, 0));
}

TEST(SloMet, SkippedCountAboveAnyLimitUpToTheBoundary) {
  const Histogram none;
  // p50 over n + s: met while s <= (1 - q)(n + s), i.e. s <= n.
  EXPECT_TRUE(slo_met(parse_slo("p50<10ms"), of(50, 1), none, 50));
  EXPECT_FALSE(slo_met(parse_slo("p50<10ms"), of(49, 1), none, 51));
  // p99 over 100 values: one skipped is within the 1 %, two are not.
  EXPECT_TRUE(slo_met(parse_slo("p99<10ms"), of(99, 1), none, 1));
  EXPECT_FALSE(slo_met(parse_slo("p99<10ms"), of(98, 1), none, 2));
  // p99.9 over 1000: the same at its scale.
  EXPECT_TRUE(slo_met(parse_slo("p99.9<10ms"), of(999, 1), none, 1));
  EXPECT_FALSE(slo_met(parse_slo("p99.9<10ms"), of(998, 1), none, 2));
  // The quantile then falls on the completed value the skipped push up to:
  // 99 fast and 1 slow completed, 1 skipped: p99 is the slow one.
  Histogram h = of(99, 1);
  h.merge_from(of(1, 30));
  EXPECT_FALSE(slo_met(parse_slo("p99<10ms"), h, none, 1));
  EXPECT_TRUE(slo_met(parse_slo("p99<10ms"), h, none, 0)) << "without the skipped one p99 is fast";
  // A max is failed by any skipped; service time too (skipped were never served).
  EXPECT_FALSE(slo_met(parse_slo("max<10ms"), of(1000, 1), none, 1));
  EXPECT_FALSE(slo_met(parse_slo("svc_p50<10ms"), none, of(10, 1), 11));
  EXPECT_TRUE(slo_met(parse_slo("svc_p50<10ms"), none, of(10, 1), 10));
}

TEST(SloMet, NothingMeasuredIsNotMet) {
  const Histogram none;
  EXPECT_FALSE(slo_met(parse_slo("p99<10ms"), none, none, 0));
  EXPECT_FALSE(slo_met(parse_slo("p99<10ms"), none, none, 5));
}

// ---------------------------------------------------------------- knee

CurvePoint point(double offered, std::optional<bool> met) {
  CurvePoint p;
  p.target = "postgresql://h/db";
  p.group = "default";
  p.txn = "tpcb";
  p.offered_tps = offered;
  p.met = met;
  return p;
}

TEST(Knee, IsTheHighestRateBeforeTheFirstMiss) {
  EXPECT_EQ(knee({point(1000, true), point(2000, true), point(4000, false)}), 2000);
  // Met again above a miss (noise, a cache warming): still the first miss bounds it.
  EXPECT_EQ(knee({point(1000, true), point(2000, true), point(4000, false), point(8000, true)}), 2000);
  // In any order.
  EXPECT_EQ(knee({point(8000, true), point(2000, true), point(4000, false), point(1000, true)}), 2000);
  EXPECT_EQ(knee({point(1000, true), point(2000, true)}), 2000);
}

TEST(Knee, NoneWhenTheLowestRateMissedOrNothingWasJudged) {
  EXPECT_EQ(knee({point(1000, false), point(2000, true)}), std::nullopt);
  EXPECT_EQ(knee({}), std::nullopt);
  EXPECT_EQ(knee({point(1000, std::nullopt)}), std::nullopt);
}

TEST(Knee, ARateMeetsItOnlyWhenEachOfItsPointsDid) {
  EXPECT_EQ(knee({point(1000, true), point(2000, true), point(2000, false)}), 1000);
}

// ---------------------------------------------------------------- curve.csv

class CurveFile : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("oltap-curve-test-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string text() const {
    std::ifstream in(dir_ / "curve.csv", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  void write(const std::string& t) const { std::ofstream(dir_ / "curve.csv", std::ios::binary) << t; }
  std::string read_error() const {
    try {
      read_curve(dir_.string());
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
      return e.what();
    }
    ADD_FAILURE() << "read without error";
    return "";
  }
  fs::path dir_;
};

TEST_F(CurveFile, RoundTripsEveryColumn) {
  CurvePoint a = point(1000, true);
  a.target = "odbc:DSN=x,y";  // a field that needs quoting
  a.achieved_tps = 999.5;
  a.lat_p50_ms = 0.875;
  a.lat_p99_ms = 4.25;
  a.lat_p999_ms = 12.125;
  a.svc_p99_ms = 3.5;
  a.late = 7;
  a.skipped = 2;
  CurvePoint b = point(2000.25, false);
  CurvePoint c = point(4000, std::nullopt);
  write_curve(dir_.string(), {a, b, c});
  for (const auto& e : fs::directory_iterator(dir_)) EXPECT_NE(e.path().extension(), ".tmp") << e.path();
  const std::string t = text();
  EXPECT_EQ(
      t.substr(0, t.find('\n')),
      "target,group,txn,offered_tps,achieved_tps,lat_p50_ms,lat_p99_ms,lat_p999_ms,svc_p99_ms,late,skipped,"
      "met_slo");
  EXPECT_TRUE(contains(t, "\"odbc:DSN=x,y\",default,tpcb,1000.00,999.50,0.875,4.250,12.125,3.500,7,2,true\n"))
      << t;
  EXPECT_TRUE(t.ends_with(",0,0,\n")) << "no SLO: met_slo empty\n" << t;

  const auto back = read_curve((dir_ / "curve.csv").string());
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back[0].target, a.target);
  EXPECT_EQ(back[0].group, a.group);
  EXPECT_EQ(back[0].txn, a.txn);
  EXPECT_EQ(back[0].offered_tps, a.offered_tps);
  EXPECT_EQ(back[0].achieved_tps, a.achieved_tps);
  EXPECT_EQ(back[0].lat_p50_ms, a.lat_p50_ms);
  EXPECT_EQ(back[0].lat_p99_ms, a.lat_p99_ms);
  EXPECT_EQ(back[0].lat_p999_ms, a.lat_p999_ms);
  EXPECT_EQ(back[0].svc_p99_ms, a.svc_p99_ms);
  EXPECT_EQ(back[0].late, a.late);
  EXPECT_EQ(back[0].skipped, a.skipped);
  EXPECT_EQ(back[0].met, std::optional<bool>(true));
  EXPECT_EQ(back[1].offered_tps, 2000.25);
  EXPECT_EQ(back[1].met, std::optional<bool>(false));
  EXPECT_EQ(back[2].met, std::nullopt);
  EXPECT_EQ(read_curve(dir_.string()).size(), 3u);  // a folder is accepted
  EXPECT_EQ(knee(back), 1000);
}

TEST_F(CurveFile, ABrokenFileIsNamedByFileAndLine) {
  fs::create_directories(dir_);
  const std::string header =
      "target,group,txn,offered_tps,achieved_tps,lat_p50_ms,lat_p99_ms,lat_p999_ms,svc_p99_ms,late,skipped,"
      "met_slo\n";
  write(header + "t,g,x,1000.00,999.00,1.000,2.000,3.000,1.500,0,0,true\nt,g,x,2000.00,fast,1,2,3,1,0,0,\n");
  std::string e = read_error();
  EXPECT_TRUE(contains(e, "curve.csv:3: column achieved_tps holds 'fast'")) << e;
  write(header + "t,g,x,1000.00,999.00,1.000,2.000,3.000,1.500,0,0,yes\n");
  e = read_error();
  EXPECT_TRUE(contains(e, "curve.csv:2: column met_slo holds 'yes'")) << e;
  write(header + "t,g,x,1000.00\n");
  e = read_error();
  EXPECT_TRUE(contains(e, "curve.csv:2: 4 fields")) << e;
  write("target,group,txn\n");
  e = read_error();
  EXPECT_TRUE(contains(e, "curve.csv:1: missing column 'offered_tps'")) << e;
  write("");
  e = read_error();
  EXPECT_TRUE(contains(e, "empty file")) << e;
  fs::remove(dir_ / "curve.csv");
  e = read_error();
  EXPECT_TRUE(contains(e, "cannot open")) << e;
}

}  // namespace
}  // namespace oltap::results
