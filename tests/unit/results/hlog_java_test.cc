// latency.hlog read by an independent reader: HdrHistogram's own Java
// HistogramLogProcessor (Debian's libhdrhistogram-java, which setup.sh
// installs). A log of known histograms under two targets, interval lines and
// a whole-run line each, of latency and (an open loop's) of service time, and
// a stage's, goes through it tag by tag; its whole-log p50, p99, max and count
// must agree with oltap's own figures within 1%.
//
// The processor's -o FILE output is one CSV line per interval whose Total_*
// columns are the percentiles of every interval read so far (an accumulated
// histogram), so the last line holds the whole log's; FILE.hgrm is the
// accumulated percentile distribution, whose last line is the 100% value.
// The test skips only where java or the jar is missing, and fails instead
// when CI=true: CI has them.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;
using metrics::Histogram;

constexpr const char* kJar = "/usr/share/java/hdrhistogram.jar";
constexpr const char* kProcessor = "org.HdrHistogram.HistogramLogProcessor";
constexpr double kNsPerMs = 1e6;
constexpr double kTolerance = 0.01;
constexpr int kIntervals = 5;
constexpr int64_t kStartMs = 1'764'624'000'000;

// Lognormal latencies around median_ms with a tail up to a few seconds,
// all above 1 ms so the processor's 3 decimals of ms are precise enough.
Histogram interval_histogram(double median_ms, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> body(std::log(median_ms * kNsPerMs), 0.7);
  std::lognormal_distribution<double> tail(std::log(800 * kNsPerMs), 0.9);
  std::bernoulli_distribution in_tail(0.02);
  Histogram h;
  for (int i = 0; i < 20'000; ++i) {
    const double v = in_tail(rng) ? tail(rng) : body(rng);
    h.record(std::max<int64_t>(static_cast<int64_t>(v), 1'000'000));
  }
  return h;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  for (std::string field; std::getline(ss, field, sep);) out.push_back(field);
  return out;
}

// The last line of text that is neither a comment nor a legend.
std::string last_data_line(const std::string& text) {
  std::string last;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty() && line[0] != '#' && line[0] != '"') last = line;
  return last;
}

// Runs the Java processor; returns its exit status, its stdout and stderr in output.
int run_java(const std::vector<std::string>& args, const fs::path& output) {
  std::string command = std::string("java -cp ") + kJar + " " + kProcessor;
  for (const auto& a : args) command += " '" + a + "'";
  command += " > '" + output.string() + "' 2>&1";
  return std::system(command.c_str());
}

class HdrHistogramReader : public ::testing::Test {
 protected:
  void SetUp() override {
    const bool ci = std::getenv("CI") && std::string(std::getenv("CI")) == "true";
    const bool have_java = std::system("java -version > /dev/null 2>&1") == 0;
    if (!have_java || !fs::exists(kJar)) {
      const std::string missing = !have_java ? "java" : kJar;
      if (ci) FAIL() << missing << " is missing: scripts/setup.sh installs libhdrhistogram-java";
      GTEST_SKIP() << missing << " is missing (scripts/setup.sh installs libhdrhistogram-java)";
    }
    dir_ = fs::temp_directory_path() / ("oltap-hlog-java-test-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  fs::path dir_;
};

struct Expected {
  std::string tag;
  Histogram whole;
};

// The processor's whole-log figures for tag, checked against h.
void expect_processor_agrees(const fs::path& dir, const std::string& tag, const Histogram& h) {
  SCOPED_TRACE(tag);
  const fs::path out = dir / "out.csv";
  const fs::path console = dir / "console.txt";
  fs::remove(out);
  ASSERT_EQ(run_java({"-i", (dir / kHlogFileName).string(), "-tag", tag, "-csv", "-o", out.string(),
                      "-outputValueUnitRatio", "1e6"},
                     console),
            0)
      << read_file(console);
  // "Timestamp","Int_Count","Int_50%","Int_90%","Int_Max","Total_Count",
  // "Total_50%","Total_90%","Total_99%","Total_99.9%","Total_99.99%","Total_Max"
  const std::string text = read_file(out);
  const auto fields = split(last_data_line(text), ',');
  ASSERT_EQ(fields.size(), 12u) << text << read_file(console);
  EXPECT_EQ(std::stoll(fields[5]), h.count()) << text;
  auto expect_near = [&](double java_ms, double oltap_ns, const char* what) {
    const double oltap_ms = oltap_ns / kNsPerMs;
    EXPECT_NEAR(java_ms, oltap_ms, oltap_ms * kTolerance) << what << "\n" << text;
  };
  expect_near(std::stod(fields[6]), h.value_at_quantile(0.50), "p50");
  expect_near(std::stod(fields[8]), h.value_at_quantile(0.99), "p99");
  expect_near(std::stod(fields[9]), h.value_at_quantile(0.999), "p99.9");
  expect_near(std::stod(fields[11]), static_cast<double>(h.max()), "max");

  // "Value","Percentile","TotalCount","1/(1-Percentile)": the last is 100%.
  const std::string hgrm = read_file(out.string() + ".hgrm");
  const auto last = split(last_data_line(hgrm), ',');
  ASSERT_EQ(last.size(), 4u) << hgrm;
  EXPECT_EQ(std::stod(last[1]), 1.0) << hgrm;
  EXPECT_EQ(std::stoll(last[2]), h.count()) << hgrm;
  expect_near(std::stod(last[0]), static_cast<double>(h.max()), "hgrm max");
}

TEST_F(HdrHistogramReader, ReadsOltapsLogWithTheSamePercentiles) {
  const std::vector<std::string> targets = {
      "postgresql://oltap@127.0.0.1:5432/oltap",
      "odbc:Driver={MariaDB ODBC 3.1 Driver};Server=127.0.0.1,3306;Uid=oltap;Database=oltap"};
  std::vector<Expected> expected;
  {
    HlogWriter writer(dir_.string(), kStartMs);
    for (size_t t = 0; t < targets.size(); ++t) {
      // Latency unstaged, service time unstaged, latency of stage 2.
      for (const auto& [stage, service] :
           {std::pair{"", false}, std::pair{"", true}, std::pair{"2", false}}) {
        Histogram whole;
        const std::string tag = hlog_tag(targets[t], "default", "new order", stage, service);
        const double median_ms = 2.0 + 3.0 * t + (service ? 0 : 1) + (*stage ? 4 : 0);
        for (int i = 0; i < kIntervals; ++i) {
          const Histogram h =
              interval_histogram(median_ms + i, static_cast<uint32_t>(10 * t + i + (service ? 5 : 0)));
          writer.append(tag, i, 1, h);
          whole.merge_from(h);
        }
        writer.append(hlog_whole_run_tag(targets[t], "default", "new order", stage, service), 0, kIntervals,
                      whole);
        writer.flush();
        expected.push_back({tag, whole});
      }
    }
  }
  // The processor sees the tags oltap wrote, no more.
  const fs::path tags = dir_ / "tags.txt";
  ASSERT_EQ(run_java({"-i", (dir_ / kHlogFileName).string(), "-listtags"}, tags), 0) << read_file(tags);
  const std::string listed = read_file(tags);
  for (const auto& e : expected) {
    EXPECT_NE(listed.find(e.tag + "\n"), std::string::npos) << listed;
    EXPECT_NE(listed.find(kHlogWholeRunPrefix + e.tag + "\n"), std::string::npos) << listed;
  }
  EXPECT_EQ(listed.find("[NO TAG"), std::string::npos) << listed;

  for (const auto& e : expected) {
    // The intervals of a tag summed, and its whole-run line alone: the same.
    expect_processor_agrees(dir_, e.tag, e.whole);
    expect_processor_agrees(dir_, kHlogWholeRunPrefix + e.tag, e.whole);
  }
  // And oltap's own reader of the file agrees with what was written: the
  // latency lines, unstaged and staged, and not the service-time ones.
  const auto whole = read_whole_run_histograms(dir_.string());
  ASSERT_EQ(whole.size(), 2 * targets.size());
  for (const auto& e : expected) {
    auto tag = parse_hlog_tag(kHlogWholeRunPrefix + e.tag);
    ASSERT_TRUE(tag) << e.tag;
    if (tag->service) continue;
    const Histogram& back = whole.at(*tag);
    EXPECT_EQ(back.count(), e.whole.count());
    EXPECT_EQ(back.value_at_quantile(0.99), e.whole.value_at_quantile(0.99));
    EXPECT_EQ(back.max(), e.whole.max());
  }
}

}  // namespace
}  // namespace oltap::results
