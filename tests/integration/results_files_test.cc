// The result files of `oltap run`, as the contract in DESIGN.md describes
// them: summary.csv's columns, timeseries.csv, meta.json's provenance, no
// password anywhere, no temporary files left, and where they are written.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "harness.h"

using namespace oltap_it;
using nlohmann::json;

namespace {

const std::vector<std::string> kContractColumns = {
    "run_id",     "workload",   "target",     "engine",      "group",     "txn",         "clients",
    "duration_s", "committed",  "aborted",    "errors",      "tps",       "lat_mean_ms", "lat_p50_ms",
    "lat_p90_ms", "lat_p95_ms", "lat_p99_ms", "lat_p999_ms", "lat_max_ms"};

const std::string kPassword = "s3cretpw";

// Every value stored under `key` anywhere in j.
void find_key(const json& j, const std::string& key, std::vector<json>& found) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key() == key) found.push_back(it.value());
      find_key(it.value(), key, found);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) find_key(e, key, found);
  }
}

std::vector<json> find_key(const json& j, const std::string& key) {
  std::vector<json> found;
  find_key(j, key, found);
  return found;
}

// Every key anywhere in j that contains `part`.
void keys_containing(const json& j, const std::string& part, std::vector<std::string>& found) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key().find(part) != std::string::npos) found.push_back(it.key());
      keys_containing(it.value(), part, found);
    }
  } else if (j.is_array()) {
    for (const auto& e : j) keys_containing(e, part, found);
  }
}

class ResultsFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_results_files");
    static bool loaded = false;
    uri_ = uri;
    if (!loaded) {
      CmdResult r = oltap({"load", workload("pgbench-tpcb.yaml"), "--target", uri_, "--jobs", "2"});
      ASSERT_EQ(r.exit_code, 0) << r.describe();
      loaded = true;
    }
  }

  // The scratch database's URI with user oltap and a password (the stack's
  // trust authentication accepts any password).
  std::string uri_with_password() const {
    PgUri u = parse_pg_uri(uri_);
    u.password = kPassword;
    return u.str();
  }

  std::string uri_;
};

TEST_F(ResultsFiles, RunWritesContractFilesWithoutPassword) {
  TempDir cwd;
  std::string out = (cwd / "my-results" / "run1").string();
  std::string target = uri_with_password();
  ASSERT_TRUE(contains(target, ":" + kPassword + "@"));
  CmdResult r = oltap({"run", workload("pgbench-tpcb.yaml"), "--target", target, "--warmup", "0s",
                       "--duration", "3s", "--clients", "2", "--out", out},
                      RunOptions().in(cwd.str()));
  ASSERT_EQ(r.exit_code, 0) << r.describe();

  // --out respected: the files are there and nowhere else (no results/ in cwd)
  ASSERT_TRUE(fs::is_regular_file(fs::path(out) / "summary.csv")) << r.describe();
  ASSERT_TRUE(fs::is_regular_file(fs::path(out) / "timeseries.csv"));
  ASSERT_TRUE(fs::is_regular_file(fs::path(out) / "meta.json"));
  EXPECT_FALSE(fs::exists(cwd / "results")) << "a run with --out also wrote into ./results";

  // no temporary files left behind, and no password in any file or output
  EXPECT_EQ(entries_named(cwd.path(), ".tmp"), std::vector<std::string>{}) << "temporary files left";
  EXPECT_EQ(files_containing(cwd.path(), kPassword), std::vector<std::string>{})
      << "password written into files";
  EXPECT_FALSE(contains(r.out, kPassword)) << "password on stdout:\n" << r.out;
  EXPECT_FALSE(contains(r.err, kPassword)) << "password on stderr:\n" << r.err;

  // summary.csv: the contract's columns first, in the contract's order
  Csv summary = read_csv(fs::path(out) / "summary.csv");
  ASSERT_GE(summary.header.size(), kContractColumns.size());
  std::vector<std::string> head(summary.header.begin(), summary.header.begin() + kContractColumns.size());
  EXPECT_EQ(head, kContractColumns);
  ASSERT_EQ(summary.rows.size(), 2u) << read_file(fs::path(out) / "summary.csv");  // tpcb + ALL
  for (const auto& row : summary.rows) EXPECT_EQ(row.size(), summary.header.size());
  auto all = summary_all_row(summary);
  long long committed = std::stoll(all.at("committed"));
  EXPECT_GT(committed, 0);
  EXPECT_EQ(all.at("workload"), "pgbench-tpcb");
  EXPECT_EQ(all.at("engine"), "postgres");
  EXPECT_EQ(all.at("clients"), "2");
  EXPECT_NEAR(std::stod(all.at("duration_s")), 3.0, 0.5);
  EXPECT_NEAR(std::stod(all.at("tps")), committed / std::stod(all.at("duration_s")),
              0.02 * std::stod(all.at("tps")) + 0.01);
  EXPECT_EQ(all.at("run_id"), "run1");
  double p50 = std::stod(all.at("lat_p50_ms")), p99 = std::stod(all.at("lat_p99_ms"));
  double mx = std::stod(all.at("lat_max_ms"));
  EXPECT_GT(p50, 0);
  EXPECT_LE(p50, p99);
  EXPECT_LE(p99, mx);

  // timeseries.csv: about one row per second, never more than the summary
  Csv ts = read_csv(fs::path(out) / "timeseries.csv");
  ASSERT_FALSE(ts.rows.empty()) << read_file(fs::path(out) / "timeseries.csv");
  long long ts_committed = 0;
  size_t interval_rows = 0;
  double prev_t = 0;
  for (auto& row : ts.records()) {
    if (row.count("txn") && row["txn"] == "ALL") continue;
    ++interval_rows;
    ts_committed += std::stoll(row.at("committed"));
    double t = std::stod(row.at("t_s"));
    EXPECT_GT(t, prev_t) << "timeseries t_s not increasing";
    EXPECT_LE(t, 3.5);
    prev_t = t;
  }
  EXPECT_GE(interval_rows, 2u) << read_file(fs::path(out) / "timeseries.csv");
  EXPECT_LE(interval_rows, 5u) << read_file(fs::path(out) / "timeseries.csv");
  EXPECT_LE(ts_committed, committed);
  EXPECT_GE(ts_committed, committed * 9 / 10) << "timeseries lost more than 10% of the transactions";

  // meta.json: provenance
  std::string meta_text = read_file(fs::path(out) / "meta.json");
  json meta = json::parse(meta_text);  // throws, failing the test, on bad JSON
  auto sha_run = run_cmd({"sha256sum", workload("pgbench-tpcb.yaml")});
  ASSERT_EQ(sha_run.exit_code, 0) << sha_run.describe();
  std::string sha = sha_run.out.substr(0, 64);
  auto shas = find_key(meta, "sha256");
  ASSERT_FALSE(shas.empty()) << meta_text;
  EXPECT_EQ(shas.front(), sha) << "meta.json's workload sha256 is not sha256sum of the workload file";

  auto versions = find_key(meta, "server_version");
  ASSERT_FALSE(versions.empty()) << meta_text;
  EXPECT_TRUE(contains(versions.front().get<std::string>(), "PostgreSQL")) << versions.front();
  std::string server_num = sql_value(uri_, "SHOW server_version");
  EXPECT_TRUE(contains(versions.front().get<std::string>(), server_num.substr(0, server_num.find(' '))))
      << versions.front() << " vs SHOW server_version " << server_num;

  auto seeds = find_key(meta, "seed");
  ASSERT_FALSE(seeds.empty()) << meta_text;
  EXPECT_EQ(seeds.front(), 1) << "default seed";

  std::regex utc(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)");
  for (const char* key : {"start_utc", "end_utc"}) {
    auto v = find_key(meta, key);
    ASSERT_FALSE(v.empty()) << key << " missing:\n" << meta_text;
    ASSERT_TRUE(v.front().is_string()) << key;
    EXPECT_TRUE(std::regex_match(v.front().get<std::string>(), utc)) << key << " = " << v.front();
  }
  EXPECT_LT(find_key(meta, "start_utc").front().get<std::string>(),
            find_key(meta, "end_utc").front().get<std::string>());

  std::vector<std::string> warmup_keys;
  keys_containing(meta, "warmup", warmup_keys);
  EXPECT_FALSE(warmup_keys.empty()) << "meta.json does not state the warm-up:\n" << meta_text;
  auto warmup_s = find_key(meta, "warmup_s");
  if (!warmup_s.empty()) {
    EXPECT_EQ(warmup_s.front(), 0.0);
  }

  auto cmdline = find_key(meta, "command_line");
  ASSERT_FALSE(cmdline.empty()) << meta_text;
  std::string cl = cmdline.front().is_string() ? cmdline.front().get<std::string>() : cmdline.front().dump();
  EXPECT_TRUE(contains(cl, "run")) << cl;
  EXPECT_TRUE(contains(cl, "--duration")) << cl;
  EXPECT_TRUE(contains(cl, "127.0.0.1")) << cl;
  EXPECT_FALSE(contains(cl, kPassword)) << cl;

  auto incomplete = find_key(meta, "incomplete");
  ASSERT_FALSE(incomplete.empty()) << meta_text;
  EXPECT_EQ(incomplete.front(), false);
}

TEST_F(ResultsFiles, DefaultOutputFolderIsUnderResultsOfCwd) {
  TempDir cwd;
  CmdResult r = oltap({"run", workload("pgbench-select.yaml"), "--target", uri_, "--warmup", "0s",
                       "--transactions", "50", "--clients", "1"},
                      RunOptions().in(cwd.str()));
  ASSERT_EQ(r.exit_code, 0) << r.describe();
  ASSERT_TRUE(fs::is_directory(cwd / "results")) << "no results/ folder in the cwd\n" << r.describe();
  std::vector<fs::path> runs;
  for (const auto& e : fs::directory_iterator(cwd / "results")) runs.push_back(e.path());
  ASSERT_EQ(runs.size(), 1u) << r.describe();
  EXPECT_TRUE(fs::is_directory(runs[0]));
  std::string name = runs[0].filename().string();
  // results/<timestamp>-<workload>
  EXPECT_TRUE(name.size() > std::string("-pgbench-select").size() &&
              name.compare(name.size() - 15, 15, "-pgbench-select") == 0)
      << name;
  EXPECT_TRUE(fs::is_regular_file(runs[0] / "summary.csv"));
  EXPECT_TRUE(fs::is_regular_file(runs[0] / "timeseries.csv"));
  EXPECT_TRUE(fs::is_regular_file(runs[0] / "meta.json"));
  auto all = summary_all_row(read_csv(runs[0] / "summary.csv"));
  EXPECT_EQ(all.at("committed"), "50");
  EXPECT_EQ(all.at("run_id"), name);
  EXPECT_EQ(entries_named(cwd.path(), ".tmp"), std::vector<std::string>{}) << "temporary files left";
}

}  // namespace
