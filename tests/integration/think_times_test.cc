// Keying and think times (`oltap run --think-times`) against the real
// PostgreSQL: an emulated user's waits slow a client down as they should,
// stay out of the recorded latency, are off without the flag, and never
// hold up the end of a run, whether the duration ends it or a SIGINT does.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "harness.h"

namespace oltap_it {
namespace {

using nlohmann::json;

const char* kKeying = R"(name: keying
transactions:
  - name: t
    keying_time: 200ms
    steps:
      - sql: SELECT 1
)";

// A think time far longer than any run here: only the stop can end the wait.
const char* kThinking = R"(name: thinking
transactions:
  - name: t
    think_time: 60s
    steps:
      - sql: SELECT 1
)";

class ThinkTimes : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_think_times");
    uri_ = uri;
  }
  // Runs the workload text for a duration with extra arguments; returns the
  // command's result (the result folder is dir/out).
  CmdResult run(const TempDir& dir, const char* text, const std::vector<std::string>& extra,
                const RunOptions& opts = {}) {
    fs::path file = dir / "workload.yaml";
    write_file(file, text);
    std::vector<std::string> args = {"run",   file.string(),          "--target", uri_,
                                     "--out", (dir / "out").string(), "--force"};
    args.insert(args.end(), extra.begin(), extra.end());
    return oltap(args, opts);
  }
  std::string uri_;
};

TEST_F(ThinkTimes, KeyingTimeSlowsAClientButIsNotInItsLatency) {
  TempDir with, without;
  CmdResult r = run(with, kKeying, {"--duration", "2s", "--clients", "1", "--think-times"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  auto all = summary_all_row(read_csv(with / "out" / "summary.csv"));
  const long long committed = std::stoll(all.at("committed"));
  // 200 ms before each transaction: at most 10 fit in 2 s.
  EXPECT_LE(committed, 10) << r.describe();
  EXPECT_GE(committed, 5) << r.describe();
  // The latency is the transaction's own, not the wait before it.
  EXPECT_LT(std::stod(all.at("lat_p50_ms")), 50) << r.describe();
  EXPECT_LT(std::stod(all.at("lat_max_ms")), 150) << r.describe();
  json meta = json::parse(read_file(with / "out" / "meta.json"));
  EXPECT_EQ(meta["settings"]["think_times"], true) << meta.dump(2);

  // Without the flag the same workload runs flat out.
  CmdResult flat = run(without, kKeying, {"--duration", "2s", "--clients", "1"});
  ASSERT_EQ(flat.exit_code, 0) << flat.describe();
  auto flat_all = summary_all_row(read_csv(without / "out" / "summary.csv"));
  EXPECT_GT(std::stoll(flat_all.at("committed")), 20 * committed) << flat.describe();
  EXPECT_EQ(json::parse(read_file(without / "out" / "meta.json"))["settings"]["think_times"], false);
}

TEST_F(ThinkTimes, AClientThinkingDoesNotDelayTheEndOfTheDuration) {
  TempDir dir;
  CmdResult r = run(dir, kThinking, {"--duration", "1s", "--clients", "20", "--think-times"});
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  json meta = json::parse(read_file(dir / "out" / "meta.json"));
  const double measured = meta["targets"][0]["measured_s"].get<double>();
  EXPECT_GE(measured, 1.0);
  EXPECT_LT(measured, 1.05) << "the clients' 60 s think times held up the end of the run";
  EXPECT_LT(r.elapsed_s, 10) << r.describe();
  // Each client ran its first transaction, then thought (a draw under 1 s is rare: about 1.6%).
  auto all = summary_all_row(read_csv(dir / "out" / "summary.csv"));
  EXPECT_GE(std::stoll(all.at("committed")), 20);
  EXPECT_LE(std::stoll(all.at("committed")), 30);
}

TEST_F(ThinkTimes, ASigintEndsTheWaitsAtOnce) {
  TempDir dir;
  CmdResult r = run(dir, kThinking, {"--duration", "60s", "--clients", "4", "--think-times"},
                    RunOptions().timeout(45).sigint_after(1.0));
  ASSERT_FALSE(r.timed_out) << r.describe();
  EXPECT_EQ(r.exit_code, 130) << r.describe();
  EXPECT_GE(r.exited_after_signal_s, 0);
  EXPECT_LT(r.exited_after_signal_s, 0.5) << "took " << r.exited_after_signal_s << " s to stop after SIGINT";
  json meta = json::parse(read_file(dir / "out" / "meta.json"));
  EXPECT_LT(meta["targets"][0]["measured_s"].get<double>(), 1.5) << meta.dump(2);
  EXPECT_EQ(meta["incomplete"], true);
}

TEST_F(ThinkTimes, PipelinedOrThreadSharingClientsAreRefused) {
  // Refused before anything runs, so the Redis target needs no data.
  TempDir dir;
  fs::path file = dir / "kv.yaml";
  write_file(file, R"(name: kv
parameters:
  k: {uniform: [1, 10]}
transactions:
  - name: get
    think_time: 1s
    steps:
      - sql: SELECT :k
        redis: [GET, "key:{k}"]
)");
  for (const std::vector<std::string>& extra :
       {std::vector<std::string>{"--pipeline", "4"},
        std::vector<std::string>{"--threads", "1", "--clients", "2"}}) {
    std::vector<std::string> args = {
        "run",        file.string(), "--target", stack_env("OLTAP_REDIS"), "--think-times",
        "--duration", "1s",          "--out",    (dir / "out").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    CmdResult r = oltap(args);
    EXPECT_EQ(r.exit_code, 2) << r.describe();
    EXPECT_TRUE(contains(r.err, "--think-times")) << r.describe();
    EXPECT_FALSE(fs::exists(dir / "out" / "summary.csv"));
  }
}

}  // namespace
}  // namespace oltap_it
