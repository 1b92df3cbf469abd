// `oltap report --html` and `oltap compare --html` of real runs on the local
// stack, opened in headless Chromium (tests/browser/check_report.js through
// puppeteer-core): a transactional run on four targets (PostgreSQL, MariaDB
// over ODBC, the warehouse over ODBC, Redis), TPC-H on three, a rate sweep,
// and a comparison of repetitions. Each page loads with no console error,
// no uncaught error and no request but the file itself; every chart has
// points and coloured pixels; the summary table's cells are summary.csv's;
// a run with errors shows them by class (the text report too);
// a screenshot of each goes to build/html-report/ for a person to look at.
//
// Isolation: database oltap_it_html_report on the PostgreSQL server and on
// MariaDB, oltap_it_html_report_wh on the warehouse's server, and Redis
// database 2 (FLUSHDB), recreated by the cases that use them.
#include <gtest/gtest.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace oltap_it {
namespace {

using nlohmann::json;

const std::string kDb = "oltap_it_html_report";
const std::string kWarehouseDb = "oltap_it_html_report_wh";
constexpr int kRedisDb = 2;
const std::string kKvScale = "0.02";  // 2000 keys
constexpr size_t kMaxReportBytes = 2 * 1024 * 1024;

std::string redis_target() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  return "redis://" + s.host + ":" + s.port + "/" + std::to_string(kRedisDb);
}

void flush_redis() {
  ServerAddress s = server_of(stack_env("OLTAP_REDIS"));
  CmdResult r = run_cmd({"redis-cli", "-h", s.host, "-p", s.port, "-n", std::to_string(kRedisDb), "FLUSHDB"});
  if (r.exit_code != 0) throw std::runtime_error("redis-cli FLUSHDB failed: " + r.describe());
}

// What check_report.js saw of a page.
json open_in_browser(const fs::path& html, const std::string& name) {
  const fs::path shot = fs::path(OLTAP_SCREENSHOT_DIR) / (name + ".png");
  CmdResult r =
      run_cmd({"node", OLTAP_BROWSER_CHECK, html.string(), shot.string()}, RunOptions().timeout(90));
  if (r.exit_code != 0) {
    ADD_FAILURE() << "the browser check failed (node and tests/browser/node_modules from scripts/setup.sh?): "
                  << r.describe();
    return json::object();
  }
  return json::parse(r.out);
}

// Loaded with no console error and no request but its own file; every chart drawn.
void expect_clean_page(const json& seen, const fs::path& html, size_t min_charts) {
  ASSERT_TRUE(seen.contains("charts")) << seen.dump();
  EXPECT_TRUE(seen["console"].empty()) << seen["console"].dump(2);
  EXPECT_TRUE(seen["page_errors"].empty()) << seen["page_errors"].dump(2);
  EXPECT_TRUE(seen["failed_requests"].empty()) << seen["failed_requests"].dump(2);
  for (const auto& u : seen["requests"]) EXPECT_EQ(u, seen["url"]) << "a request the page made";
  EXPECT_LE(seen["requests"].size(), 1u) << seen["requests"].dump(2);
  EXPECT_GE(seen["charts"].size(), min_charts);
  EXPECT_EQ(seen["charts"].size(), seen["canvases"].get<size_t>()) << "a canvas without its chart";
  EXPECT_EQ(seen["charts_drawn"], std::to_string(seen["charts"].size()));
  for (const auto& c : seen["charts"]) {
    EXPECT_GT(c["points"].get<int>(), 0) << c.dump();
    EXPECT_GT(c["coloured"].get<int>(), 50) << "nothing drawn: " << c.dump();
  }
  EXPECT_GT(seen["first_chart_table_rows"].get<int>(), 1) << "the table behind the first chart";
  EXPECT_TRUE(fs::exists(seen["screenshot"].get<std::string>()));
  EXPECT_LT(fs::file_size(html), kMaxReportBytes);
}

// The page's summary table holds summary.csv's rows, cell for cell, in order.
void expect_summary_table(const json& seen, const fs::path& folder) {
  const Csv csv = read_csv(folder / "summary.csv");
  ASSERT_TRUE(seen["tables"].contains("summary")) << seen["tables"].dump();
  const json& t = seen["tables"]["summary"];
  ASSERT_EQ(t["rows"].size(), csv.rows.size());
  size_t compared = 0;
  for (size_t i = 0; i < csv.rows.size(); ++i)
    for (size_t c = 0; c < t["header"].size(); ++c) {
      const std::string col = t["header"][c];
      EXPECT_EQ(t["rows"][i][c].get<std::string>(), csv.at(i, col)) << "row " << i << " column " << col;
      ++compared;
    }
  EXPECT_GT(compared, csv.rows.size() * 10);
}

class HtmlReport : public ::testing::Test {
 protected:
  CmdResult oltap_in(const std::vector<std::string>& args, double timeout_s = 120) {
    return oltap(args, RunOptions().in(dir_.str()).timeout(timeout_s));
  }
  TempDir dir_;
};

TEST_F(HtmlReport, ATransactionalRunOnFourTargetsOpensWithEveryChartDrawn) {
  const std::string pg = make_scratch_db(kDb);
  const std::string mysql = make_scratch_mariadb(kDb);
  const std::string warehouse = make_scratch_warehouse(kWarehouseDb);
  flush_redis();
  const std::vector<std::string> targets = {pg, mysql, warehouse, redis_target()};
  std::vector<std::string> args = {"run",        workload("kv-cache.yaml"),
                                   "--scale",    kKvScale,
                                   "--clients",  "2",
                                   "--duration", "2s",
                                   "--warmup",   "1s",
                                   "--out",      (dir_ / "run").string()};
  for (const auto& t : targets) {
    CmdResult load = oltap_in({"load", workload("kv-cache.yaml"), "--target", t, "--scale", kKvScale});
    ASSERT_EQ(load.exit_code, 0) << load.describe();
    args.insert(args.end(), {"--target", t});
  }
  CmdResult run = oltap_in(args);
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  const fs::path html = dir_ / "four.html";
  CmdResult report = oltap_in({"report", (dir_ / "run").string(), "--html", html.string()});
  ASSERT_EQ(report.exit_code, 0) << report.describe();
  const json seen = open_in_browser(html, "four-targets");
  // Per target throughput and latency, every target together, three bars, a spectrum per row.
  expect_clean_page(seen, html, 4 * 2 + 1 + 3 + 3);
  expect_summary_table(seen, dir_ / "run");
  // The password-free URIs as the run wrote them; the header from meta.json.
  const std::string page = read_file(html);
  EXPECT_TRUE(contains(page, "kv-cache"));
  EXPECT_TRUE(seen["alerts"].empty()) << "a clean run has nothing to flag: " << seen["alerts"].dump(2);
  // No error columns, chart or lines where there were no errors.
  for (const auto& col : seen["tables"]["summary"]["header"])
    EXPECT_FALSE(contains(col, "err_") || col == "unknown") << col;
  for (const auto& c : seen["charts"]) EXPECT_FALSE(contains(c["title"], "Errors")) << c["title"];
  EXPECT_FALSE(contains(run.out, "errors by class")) << run.out;
  CmdResult text = oltap_in({"report", (dir_ / "run").string()});
  ASSERT_EQ(text.exit_code, 0) << text.describe();
  EXPECT_FALSE(contains(text.out, "errors by class")) << text.out;
}

TEST_F(HtmlReport, ATpchRunOnThreeTargetsShowsQueriesAndAnswers) {
  const std::string pg = make_scratch_db(kDb);
  const std::string mysql = make_scratch_mariadb(kDb);
  const std::string warehouse = make_scratch_warehouse(kWarehouseDb);
  for (const auto& t : {pg, mysql, warehouse}) {
    CmdResult load =
        oltap_in({"load", workload("tpch.yaml"), "--target", t, "--scale", "0.01", "--jobs", "2"}, 300);
    ASSERT_EQ(load.exit_code, 0) << load.describe();
  }
  CmdResult run = oltap_in({"run", workload("tpch.yaml"), "--target", pg, "--target", mysql, "--target",
                            warehouse, "--scale", "0.01", "--verify", "--out", (dir_ / "run").string()},
                           300);
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  const fs::path html = dir_ / "tpch.html";
  CmdResult report = oltap_in({"report", (dir_ / "run").string(), "--html", html.string()});
  ASSERT_EQ(report.exit_code, 0) << report.describe();
  const json seen = open_in_browser(html, "tpch-three-targets");
  expect_clean_page(seen, html, 2);
  expect_summary_table(seen, dir_ / "run");
  ASSERT_TRUE(seen["tables"].contains("answers"));
  EXPECT_EQ(seen["tables"]["answers"]["rows"].size(), 22u);
  for (const auto& row : seen["tables"]["answers"]["rows"]) EXPECT_EQ(row.back(), "agree") << row.dump();
  ASSERT_TRUE(seen["tables"].contains("query-figures"));
  EXPECT_EQ(seen["tables"]["query-figures"]["rows"].size(), 3u);
}

TEST_F(HtmlReport, ARateSweepShowsItsCurveAndKnee) {
  const std::string pg = make_scratch_db(kDb);
  CmdResult load = oltap_in({"load", workload("kv-cache.yaml"), "--target", pg, "--scale", kKvScale});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  CmdResult run = oltap_in({"run", workload("kv-cache.yaml"), "--target", pg, "--scale", kKvScale,
                            "--clients", "2", "--duration", "1s", "--warmup", "0s", "--rate", "100,200,400",
                            "--slo", "p99<200ms", "--out", (dir_ / "sweep").string()});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  const fs::path html = dir_ / "sweep.html";
  CmdResult report = oltap_in({"report", (dir_ / "sweep").string(), "--html", html.string()});
  ASSERT_EQ(report.exit_code, 0) << report.describe();
  const json seen = open_in_browser(html, "rate-sweep");
  expect_clean_page(seen, html, 4);
  expect_summary_table(seen, dir_ / "sweep");
  bool curve = false, knee = false;
  for (const auto& c : seen["charts"]) curve = curve || contains(c["title"], "against achieved throughput");
  EXPECT_TRUE(curve) << seen["charts"].dump(2);
  ASSERT_TRUE(seen["tables"].contains("curve"));
  EXPECT_EQ(seen["tables"]["curve"]["rows"].size(), read_csv(dir_ / "sweep" / "curve.csv").rows.size());
  knee = contains(read_file(html), "\"label\":\"knee ");
  EXPECT_TRUE(knee) << "the knee of an SLO every rate met";
}

TEST_F(HtmlReport, AComparisonOfRepetitionsShowsChangesIntervalsAndVerdicts) {
  const std::string pg = make_scratch_db(kDb);
  CmdResult load = oltap_in({"load", workload("kv-cache.yaml"), "--target", pg, "--scale", kKvScale});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  std::vector<std::string> folders;
  for (const char* name : {"base1", "base2", "cur1", "cur2"}) {
    CmdResult run =
        oltap_in({"run", workload("kv-cache.yaml"), "--target", pg, "--scale", kKvScale, "--clients", "2",
                  "--duration", "1s", "--warmup", "0s", "--out", (dir_ / name).string()});
    ASSERT_EQ(run.exit_code, 0) << run.describe();
    folders.push_back((dir_ / name).string());
  }
  const fs::path html = dir_ / "compare.html";
  CmdResult cmp = oltap_in({"compare", "--baseline", folders[0], "--baseline", folders[1], folders[2],
                            folders[3], "--html", html.string()});
  ASSERT_EQ(cmp.exit_code, 0) << cmp.describe();
  const json seen = open_in_browser(html, "comparison");
  expect_clean_page(seen, html, 2);
  ASSERT_TRUE(seen["tables"].contains("comparison"));
  const json& t = seen["tables"]["comparison"];
  ASSERT_FALSE(t["rows"].empty());
  // Each row's change and interval as compare prints them.
  for (const auto& row : t["rows"]) {
    const std::string line = row[0].get<std::string>() + " " + row[1].get<std::string>();
    EXPECT_TRUE(contains(cmp.out, row[4].get<std::string>())) << line << ": " << cmp.out;
    EXPECT_TRUE(contains(cmp.out, row[5].get<std::string>())) << line << ": " << cmp.out;
  }

  // gate --html: the same page, its verdict the gate's exit code. A
  // regression of 0% allowed and the strictest alpha fail or pass by noise
  // alone; either way the page must say what the exit code says.
  const fs::path gate_html = dir_ / "gate.html";
  CmdResult gate = oltap_in({"gate", folders[2], folders[3], "--baseline", folders[0], "--baseline",
                             folders[1], "--max-regression", "0%", "--html", gate_html.string()});
  ASSERT_TRUE(gate.exit_code == 0 || gate.exit_code == 1) << gate.describe();
  expect_clean_page(open_in_browser(gate_html, "comparison"), gate_html, 2);
  EXPECT_TRUE(contains(read_file(gate_html), gate.exit_code == 0 ? "<div class=\"ok\" id=\"verdict\">"
                                                                 : "<div class=\"alert\" id=\"verdict\">"))
      << gate.describe();
}

// A run whose transactions break a constraint and divide by zero: `run`,
// `oltap report` and the page show its errors by class, only the classes it
// had, with summary.csv's figures (the chart's points add up to them).
TEST_F(HtmlReport, ARunWithErrorsShowsThemByClass) {
  const std::string pg = make_scratch_db(kDb);
  sql_exec(pg, "CREATE TABLE once (k int PRIMARY KEY)");
  write_file(dir_ / "failing.yaml", R"(name: failing
transactions:
  - name: dup
    steps:
      - sql: INSERT INTO once (k) VALUES (1)
  - name: divide
    steps:
      - sql: SELECT 1 / (count(*) - count(*)) FROM once
  - name: fine
    weight: 2
    steps:
      - sql: SELECT 1
)");
  CmdResult run = oltap_in({"run", (dir_ / "failing.yaml").string(), "--target", pg, "--no-data-check",
                            "--clients", "2", "--duration", "2s", "--warmup", "0s", "--max-error-rate",
                            "100%", "--out", (dir_ / "run").string()});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  const Csv csv = read_csv(dir_ / "run" / "summary.csv");
  const auto all = summary_all_row(csv);
  const long long constraint = std::stoll(all.at("err_constraint")), other = std::stoll(all.at("err_other"));
  ASSERT_GT(constraint, 0) << "every INSERT but the first breaks the key";
  ASSERT_GT(other, 0) << "division by zero";
  ASSERT_EQ(std::stoll(all.at("errors")), constraint + other);
  for (const char* none : {"err_connection", "err_serialization", "err_deadlock", "err_timeout", "unknown"})
    ASSERT_EQ(all.at(none), "0") << none;

  // The text: a line per row with errors, its errors then constraint and other, as summary.csv has them.
  CmdResult report = oltap_in({"report", (dir_ / "run").string()});
  ASSERT_EQ(report.exit_code, 0) << report.describe();
  for (const std::string* out : {&run.out, &report.out}) {
    const size_t at = out->find("errors by class");
    ASSERT_NE(at, std::string::npos) << *out;
    std::istringstream block(out->substr(at));
    std::string line;
    std::getline(block, line);  // the title
    std::getline(block, line);  // the header
    std::istringstream header(line);
    const std::vector<std::string> columns{std::istream_iterator<std::string>(header), {}};
    EXPECT_EQ(columns, (std::vector<std::string>{"target", "group", "txn", "errors", "constraint", "other"}))
        << line;
    size_t shown = 0;
    // The table ends where a line is not one of its rows (run's "results: ..." line, or the end).
    for (; std::getline(block, line); ++shown) {
      std::istringstream cells(line);
      const std::vector<std::string> c{std::istream_iterator<std::string>(cells), {}};
      if (c.size() != 6 || c[0] != pg) break;
      bool found = false;
      for (const auto& r : csv.records()) {
        if (r.at("group") != c[1] || r.at("txn") != c[2]) continue;
        found = true;
        EXPECT_EQ(c[3], r.at("errors")) << line;
        EXPECT_EQ(c[4], r.at("err_constraint")) << line;
        EXPECT_EQ(c[5], r.at("err_other")) << line;
      }
      EXPECT_TRUE(found) << line;
    }
    EXPECT_EQ(shown, 3u) << "ALL, dup and divide; fine had none: " << *out;
  }

  // The page: the alert names the classes, the summary table has their columns, the chart adds up.
  const fs::path html = dir_ / "errors.html";
  ASSERT_EQ(oltap_in({"report", (dir_ / "run").string(), "--html", html.string()}).exit_code, 0);
  const json seen = open_in_browser(html, "errors-by-class");
  expect_clean_page(seen, html, 4);
  expect_summary_table(seen, dir_ / "run");
  const json& header = seen["tables"]["summary"]["header"];
  auto has = [&](const std::string& col) {
    return std::find(header.begin(), header.end(), col) != header.end();
  };
  EXPECT_TRUE(has("err_constraint") && has("err_other")) << header.dump();
  EXPECT_FALSE(has("err_deadlock") || has("err_connection") || has("unknown")) << header.dump();
  const std::string alert = "Target " + pg + ": " + all.at("errors") + " errors (" +
                            all.at("err_constraint") + " constraint, " + all.at("err_other") + " other)";
  EXPECT_NE(std::find(seen["alerts"].begin(), seen["alerts"].end(), alert), seen["alerts"].end())
      << alert << " in " << seen["alerts"].dump(2);
  const json* chart = nullptr;
  for (const auto& c : seen["charts"])
    if (c["title"] == "Errors over time by class: postgresql") chart = &c;
  ASSERT_NE(chart, nullptr) << seen["charts"].dump(2);
  std::map<std::string, long long> sums;
  for (const auto& s : (*chart)["series"]) sums[s["label"]] = s["sum"].get<long long>();
  EXPECT_EQ(sums, (std::map<std::string, long long>{{"constraint", constraint}, {"other", other}}));
}

// The password of a target never reaches a page: the files are redacted and
// the pages are made of the files.
TEST_F(HtmlReport, APasswordInTheTargetNeverReachesThePage) {
  const std::string pg = make_scratch_db(kDb);
  ensure_password_role(pg);
  sql_exec(pg, "ALTER DATABASE " + kDb + " OWNER TO oltap_pw");
  sql_exec(pg, "ALTER SCHEMA public OWNER TO oltap_pw");
  PgUri u = parse_pg_uri(pg);
  u.user = "oltap_pw";
  u.password = "oltap-right-pw";
  const std::string target = u.str();
  CmdResult load = oltap_in({"load", workload("kv-cache.yaml"), "--target", target, "--scale", kKvScale});
  ASSERT_EQ(load.exit_code, 0) << load.describe();
  CmdResult run = oltap_in({"run", workload("kv-cache.yaml"), "--target", target, "--scale", kKvScale,
                            "--transactions", "50", "--out", (dir_ / "pw").string()});
  ASSERT_EQ(run.exit_code, 0) << run.describe();
  ASSERT_EQ(oltap_in({"report", (dir_ / "pw").string(), "--html", (dir_ / "pw.html").string()}).exit_code, 0);
  ASSERT_EQ(oltap_in({"compare", (dir_ / "pw").string(), (dir_ / "pw").string(), "--html",
                      (dir_ / "pw-compare.html").string()})
                .exit_code,
            0);
  for (const char* page : {"pw.html", "pw-compare.html"}) {
    const std::string text = read_file(dir_ / page);
    EXPECT_TRUE(contains(text, "oltap_pw")) << page << " names the user";
    EXPECT_FALSE(contains(text, "oltap-right-pw")) << page;
  }
}

}  // namespace
}  // namespace oltap_it
