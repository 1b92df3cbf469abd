// The tables people read (src/results/tables.cc): summary_table, one line per
// row of summary.csv, and side_by_side, one column per target labelled by
// its scheme (numbered when two targets share one: mysql#1, mysql#2), a "-"
// where a target has no row for a (group, txn), and a legend mapping each
// label back to its target; error_table, only the rows with errors or
// unknown outcomes and only the classes they count. Also: `oltap report`
// shows a folder with the same tables `oltap run` printed, so a table drawn
// from the rows read back from summary.csv must equal the one drawn from the
// rows before writing.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "results/results.h"

namespace oltap::results {
namespace {

namespace fs = std::filesystem;

const std::string kPg = "postgresql://oltap@127.0.0.1:54329/oltap";
const std::string kMy = "mysql://oltap@127.0.0.1:33069/oltap";
const std::string kMy2 = "mysql://oltap@10.0.0.2:3306/other";
const std::string kMy3 = "mysql://oltap@10.0.0.3:3306/third";
const std::string kWh =
    "odbc:Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=54329;Database=warehouse;Uid=oltap;";
const std::string kDsn = "odbc://Warehouse";
const std::string kRedis = "redis://127.0.0.1:63799/0";

SummaryRow row(const std::string& target, const std::string& group, const std::string& txn,
               double tps = 100) {
  SummaryRow r;
  r.run_id = "20261125-094930-kv-cache";
  r.workload = "kv-cache";
  r.target = target;
  r.engine = target.substr(0, target.find(':'));
  r.group = group;
  r.txn = txn;
  r.clients = 2;
  r.duration_s = 10;
  r.committed = static_cast<int64_t>(tps * 10);
  r.tps = tps;
  r.lat_mean_ms = 1.25;
  r.lat_p50_ms = 1.125;
  r.lat_p90_ms = 2.5;
  r.lat_p95_ms = 3.25;
  r.lat_p99_ms = 4.5;
  r.lat_p999_ms = 8.75;
  r.lat_max_ms = 9.125;
  return r;
}

// The lines of text, without their newlines.
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// The whitespace-separated cells of a line.
std::vector<std::string> cells(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string c; in >> c;) out.push_back(c);
  return out;
}

std::vector<std::string> header_labels(const std::string& table) {
  auto h = cells(lines_of(table).at(0));
  EXPECT_GE(h.size(), 3u) << table;
  EXPECT_EQ(std::vector<std::string>(h.begin(), h.begin() + 3),
            (std::vector<std::string>{"group", "txn", "metric"}))
      << table;
  return {h.begin() + 3, h.end()};
}

// The legend: the lines after the table, "label = target".
std::vector<std::string> legend(const std::string& table) {
  std::vector<std::string> out;
  for (const auto& l : lines_of(table))
    if (l.find(" = ") != std::string::npos) out.push_back(l);
  return out;
}

// The table lines (header excluded) of one (group, txn) block: five metric lines.
std::vector<std::vector<std::string>> block(const std::string& table, const std::string& group,
                                            const std::string& txn) {
  auto ls = lines_of(table);
  for (size_t i = 1; i < ls.size(); ++i) {
    auto c = cells(ls[i]);
    if (c.size() >= 3 && c[0] == group && c[1] == txn) {
      std::vector<std::vector<std::string>> out{c};
      for (size_t j = i + 1; j < ls.size() && j < i + 5; ++j) out.push_back(cells(ls[j]));
      return out;
    }
  }
  ADD_FAILURE() << "no block " << group << "/" << txn << " in\n" << table;
  return {};
}

// ---------------------------------------------------------------- summary_table

TEST(SummaryTable, HasAHeaderAndOneLinePerRowInOrder) {
  std::vector<SummaryRow> rows = {row(kPg, "default", "get", 1234.56), row(kPg, "default", "set", 10),
                                  row(kPg, "default", "ALL", 1244.56)};
  rows[1].errors = 3;
  rows[1].aborted = 2;
  std::string t = summary_table(rows);
  auto ls = lines_of(t);
  ASSERT_EQ(ls.size(), 4u) << t;
  EXPECT_EQ(cells(ls[0]), (std::vector<std::string>{"target", "group", "txn", "clients", "committed",
                                                    "aborted", "errors", "tps", "mean", "ms", "p50", "ms",
                                                    "p95", "ms", "p99", "ms", "max", "ms"}));
  EXPECT_EQ(cells(ls[1]), (std::vector<std::string>{kPg, "default", "get", "2", "12345", "0", "0", "1234.56",
                                                    "1.250", "1.125", "3.250", "4.500", "9.125"}));
  EXPECT_EQ(cells(ls[2])[2], "set");
  EXPECT_EQ(cells(ls[2])[5], "2");  // aborted
  EXPECT_EQ(cells(ls[2])[6], "3");  // errors
  EXPECT_EQ(cells(ls[3])[2], "ALL");
}

TEST(SummaryTable, AStagedRunHasAStageColumnAfterTxn) {
  std::vector<SummaryRow> rows = {row(kPg, "default", "get", 100), row(kPg, "default", "get", 200),
                                  row(kPg, "default", "get", 150)};
  rows[0].stage = "1";
  rows[1].stage = "2";
  auto ls = lines_of(summary_table(rows));
  ASSERT_EQ(ls.size(), 4u);
  EXPECT_EQ(cells(ls[0])[3], "stage");
  EXPECT_EQ(cells(ls[0])[4], "clients");
  EXPECT_EQ(cells(ls[1])[3], "1");
  EXPECT_EQ(cells(ls[2])[3], "2");
  EXPECT_EQ(cells(ls[3])[3], "-");  // the whole run's row
  EXPECT_EQ(cells(ls[2])[8], "200.00");
  // Unstaged: no such column.
  EXPECT_EQ(cells(lines_of(summary_table({row(kPg, "default", "get")}))[0])[3], "clients");
}

TEST(SideBySide, EachStageIsABlockOfItsOwn) {
  std::vector<SummaryRow> rows = {row(kPg, "default", "get", 100), row(kPg, "default", "get", 200),
                                  row(kRedis, "default", "get", 1000), row(kRedis, "default", "get", 2000)};
  rows[0].stage = rows[2].stage = "1";
  rows[1].stage = rows[3].stage = "2";
  std::string t = side_by_side(rows);
  auto ls = lines_of(t);
  ASSERT_EQ(ls.size(), 1u + 10u + 2u) << t;
  EXPECT_EQ(cells(ls[0])[2], "stage") << t;
  EXPECT_EQ(cells(ls[1]), (std::vector<std::string>{"default", "get", "1", "tps", "100.00", "1000.00"})) << t;
  EXPECT_EQ(cells(ls[6]), (std::vector<std::string>{"default", "get", "2", "tps", "200.00", "2000.00"})) << t;
}

TEST(SummaryTable, ColumnsAreAligned) {
  std::vector<SummaryRow> rows = {row(kPg, "default", "get", 5), row(kRedis, "default", "get", 123456.5)};
  auto ls = lines_of(summary_table(rows));
  ASSERT_EQ(ls.size(), 3u);
  EXPECT_EQ(ls[1].size(), ls[2].size());  // numbers right-aligned to a common width
  EXPECT_EQ(ls[1].find("default"), ls[2].find("default"));
}

// ---------------------------------------------------------------- side_by_side: labels

TEST(SideBySide, LabelsEachTargetByItsScheme) {
  std::vector<SummaryRow> rows;
  for (const auto& t : {kPg, kMy, kWh, kRedis}) rows.push_back(row(t, "default", "get"));
  std::string t = side_by_side(rows);
  EXPECT_EQ(header_labels(t), (std::vector<std::string>{"postgresql", "mysql", "odbc", "redis"})) << t;
}

TEST(SideBySide, AnOdbcDsnIsLabelledOdbcToo) {
  std::string t = side_by_side({row(kDsn, "default", "get"), row(kPg, "default", "get")});
  EXPECT_EQ(header_labels(t), (std::vector<std::string>{"odbc", "postgresql"})) << t;
}

TEST(SideBySide, TwoTargetsOfOneSchemeAreNumbered) {
  std::string t = side_by_side({row(kMy, "default", "get"), row(kMy2, "default", "get")});
  EXPECT_EQ(header_labels(t), (std::vector<std::string>{"mysql#1", "mysql#2"})) << t;
  EXPECT_EQ(legend(t), (std::vector<std::string>{"mysql#1 = " + kMy, "mysql#2 = " + kMy2})) << t;
}

TEST(SideBySide, OnlyTheSharedSchemeIsNumbered) {
  std::vector<SummaryRow> rows = {row(kPg, "default", "get"), row(kMy, "default", "get"),
                                  row(kRedis, "default", "get"), row(kMy2, "default", "get"),
                                  row(kMy3, "default", "get")};
  std::string t = side_by_side(rows);
  EXPECT_EQ(header_labels(t),
            (std::vector<std::string>{"postgresql", "mysql#1", "redis", "mysql#2", "mysql#3"}))
      << t;
  EXPECT_EQ(legend(t),
            (std::vector<std::string>{"postgresql = " + kPg, "mysql#1 = " + kMy, "redis = " + kRedis,
                                      "mysql#2 = " + kMy2, "mysql#3 = " + kMy3}))
      << t;
}

TEST(SideBySide, TwoOdbcTargetsAreNumbered) {
  std::string t = side_by_side({row(kWh, "default", "get"), row(kDsn, "default", "get")});
  EXPECT_EQ(header_labels(t), (std::vector<std::string>{"odbc#1", "odbc#2"})) << t;
}

// ---------------------------------------------------------------- side_by_side: cells

TEST(SideBySide, OneBlockOfFiveMetricsPerGroupAndTxnInFirstSeenOrder) {
  std::vector<SummaryRow> rows = {row(kPg, "default", "get", 900),     row(kPg, "default", "set", 100),
                                  row(kPg, "default", "ALL", 1000),    row(kRedis, "default", "get", 9000),
                                  row(kRedis, "default", "set", 1000), row(kRedis, "default", "ALL", 10000)};
  rows[4].errors = 7;
  std::string t = side_by_side(rows);
  auto ls = lines_of(t);
  // header, 3 blocks of 5 lines, 2 legend lines
  ASSERT_EQ(ls.size(), 1u + 15u + 2u) << t;
  EXPECT_EQ(cells(ls[1])[1], "get");
  EXPECT_EQ(cells(ls[6])[1], "set");
  EXPECT_EQ(cells(ls[11])[1], "ALL");
  auto set = block(t, "default", "set");
  ASSERT_EQ(set.size(), 5u) << t;
  EXPECT_EQ(set[0], (std::vector<std::string>{"default", "set", "tps", "100.00", "1000.00"}));
  EXPECT_EQ(set[1], (std::vector<std::string>{"p50", "ms", "1.125", "1.125"}));
  EXPECT_EQ(set[2], (std::vector<std::string>{"p95", "ms", "3.250", "3.250"}));
  EXPECT_EQ(set[3], (std::vector<std::string>{"p99", "ms", "4.500", "4.500"}));
  EXPECT_EQ(set[4], (std::vector<std::string>{"errors", "0", "7"}));
}

TEST(SideBySide, AMissingGroupAndTxnOfOneTargetShowsADash) {
  // Redis has no "scan" row (e.g. a transaction without a redis: step).
  std::vector<SummaryRow> rows = {row(kPg, "default", "scan", 50), row(kPg, "default", "ALL", 50),
                                  row(kRedis, "default", "ALL", 70)};
  std::string t = side_by_side(rows);
  auto scan = block(t, "default", "scan");
  ASSERT_EQ(scan.size(), 5u) << t;
  EXPECT_EQ(scan[0], (std::vector<std::string>{"default", "scan", "tps", "50.00", "-"})) << t;
  for (size_t i = 1; i < 5; ++i) EXPECT_EQ(scan[i].back(), "-") << t;
  auto all = block(t, "default", "ALL");
  EXPECT_EQ(all[0], (std::vector<std::string>{"default", "ALL", "tps", "50.00", "70.00"})) << t;
}

TEST(SideBySide, AGroupOnlyOneTargetRanShowsADashForTheOther) {
  std::vector<SummaryRow> rows = {row(kPg, "readers", "get", 10), row(kPg, "writers", "set", 20),
                                  row(kMy, "readers", "get", 30)};
  std::string t = side_by_side(rows);
  EXPECT_EQ(block(t, "readers", "get")[0],
            (std::vector<std::string>{"readers", "get", "tps", "10.00", "30.00"}))
      << t;
  EXPECT_EQ(block(t, "writers", "set")[0], (std::vector<std::string>{"writers", "set", "tps", "20.00", "-"}))
      << t;
}

TEST(SideBySide, TheSameTxnInTwoGroupsIsTwoBlocks) {
  std::vector<SummaryRow> rows = {row(kPg, "a", "get", 1), row(kPg, "b", "get", 2),
                                  row(kRedis, "a", "get", 3), row(kRedis, "b", "get", 4)};
  std::string t = side_by_side(rows);
  EXPECT_EQ(block(t, "a", "get")[0], (std::vector<std::string>{"a", "get", "tps", "1.00", "3.00"})) << t;
  EXPECT_EQ(block(t, "b", "get")[0], (std::vector<std::string>{"b", "get", "tps", "2.00", "4.00"})) << t;
}

TEST(SideBySide, TheLegendFollowsTheTableOneLinePerTargetInColumnOrder) {
  std::vector<SummaryRow> rows;
  for (const auto& t : {kPg, kMy, kWh, kRedis}) rows.push_back(row(t, "default", "ALL"));
  std::string t = side_by_side(rows);
  auto ls = lines_of(t);
  ASSERT_EQ(ls.size(), 1u + 5u + 4u) << t;
  EXPECT_EQ(std::vector<std::string>(ls.end() - 4, ls.end()),
            (std::vector<std::string>{"postgresql = " + kPg, "mysql = " + kMy, "odbc = " + kWh,
                                      "redis = " + kRedis}))
      << t;
}

TEST(SideBySide, ASingleTargetHasOneColumn) {
  std::string t = side_by_side({row(kPg, "default", "ALL", 42)});
  EXPECT_EQ(header_labels(t), (std::vector<std::string>{"postgresql"}));
  EXPECT_EQ(legend(t), (std::vector<std::string>{"postgresql = " + kPg}));
}

// ---------------------------------------------------------------- errors by class

// A row with errors of two classes (constraint 3, timeout 1), classified as summary.csv's rows are.
SummaryRow failing(const std::string& target, const std::string& txn) {
  SummaryRow r = row(target, "default", txn);
  r.classified = true;
  r.err[3] = 3;
  r.err[4] = 1;
  r.errors = 4;
  return r;
}

TEST(ErrorTable, ACleanRunShowsNothing) {
  SummaryRow clean = row(kPg, "default", "ALL");
  clean.classified = true;
  EXPECT_EQ(error_table({clean, row(kPg, "default", "get")}), "");
  EXPECT_TRUE(shown_error_classes({clean}).empty());
}

TEST(ErrorTable, OnlyTheRowsWithErrorsAndTheClassesTheyCount) {
  SummaryRow clean = row(kPg, "default", "get");
  clean.classified = true;
  const auto lines = lines_of(error_table({failing(kPg, "ALL"), clean, failing(kPg, "set")}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0], "errors by class (they add up to errors):");
  EXPECT_EQ(cells(lines[1]),
            (std::vector<std::string>{"target", "group", "txn", "errors", "constraint", "timeout"}));
  EXPECT_EQ(cells(lines[2]), (std::vector<std::string>{kPg, "default", "ALL", "4", "3", "1"}));
  EXPECT_EQ(cells(lines[3]), (std::vector<std::string>{kPg, "default", "set", "4", "3", "1"}));
}

TEST(ErrorTable, UnknownOutcomesAreAColumnApartFromTheErrors) {
  SummaryRow r = failing(kPg, "ALL");
  r.unknown = 2;
  SummaryRow only_unknown = row(kRedis, "default", "ALL");
  only_unknown.classified = true;
  only_unknown.unknown = 1;
  const auto lines = lines_of(error_table({r, only_unknown}));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_TRUE(lines[0].find("unknown: transactions whose COMMIT was sent") != std::string::npos) << lines[0];
  EXPECT_EQ(cells(lines[1]).back(), "unknown");
  EXPECT_EQ(cells(lines[2]), (std::vector<std::string>{kPg, "default", "ALL", "4", "3", "1", "2"}));
  EXPECT_EQ(cells(lines[3]), (std::vector<std::string>{kRedis, "default", "ALL", "0", "0", "0", "1"}));
}

TEST(ErrorTable, AFileWrittenBeforeTheClassesShowsNone) {
  SummaryRow r = failing(kPg, "ALL");
  r.classified = false;
  EXPECT_EQ(error_table({r}), "");
}

// ---------------------------------------------------------------- what `report` shows

// A fresh folder per test, removed afterwards.
class TablesFromFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("oltap-tables-test-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // The rows as `oltap report` gets them: written to summary.csv and read back.
  std::vector<SummaryRow> round_trip(const std::vector<SummaryRow>& rows) {
    Meta meta;
    meta.run_id = rows.front().run_id;
    meta.workload = rows.front().workload;
    write_run(dir_.string(), rows, {}, meta);
    return read_summary(dir_.string());
  }

  fs::path dir_;
};

TEST_F(TablesFromFiles, ReportShowsTheTablesRunPrinted) {
  std::vector<SummaryRow> rows;
  for (const auto& t : {kPg, kMy, kWh, kRedis}) {
    rows.push_back(row(t, "default", "get", 900.25));
    rows.push_back(row(t, "default", "set", 100.125));
    rows.push_back(row(t, "default", "ALL", 1000.375));
  }
  auto back = round_trip(rows);
  EXPECT_EQ(side_by_side(back), side_by_side(rows));
  EXPECT_EQ(summary_table(back), summary_table(rows));
}

TEST_F(TablesFromFiles, ReportShowsTheErrorsByClassRunPrinted) {
  std::vector<SummaryRow> rows = {failing(kPg, "set"), row(kPg, "default", "get"), failing(kPg, "ALL")};
  for (auto& r : rows) r.classified = true;
  rows.back().unknown = 1;
  auto back = round_trip(rows);
  ASSERT_NE(error_table(rows), "");
  EXPECT_EQ(error_table(back), error_table(rows));
}

// summary.csv keeps tps with 2 decimals and the tables show 1, so the
// report rounds twice: 1234.449 is "1234.4" in `oltap run`'s tables but
// "1234.45" in the file and "1234.5" in `oltap report`'s; 2.2501 is "2.3"
// then "2.25" then "2.2" (half to even). A measured tps lands on such a
// value about one time in twenty, so a run's and its report's tables differ.
TEST_F(TablesFromFiles, ReportShowsTheSameTpsAsRunWhenItsHundredthsRoundToFive) {
  std::vector<SummaryRow> rows = {row(kPg, "default", "ALL", 1234.449),
                                  row(kRedis, "default", "ALL", 2.2501)};
  auto back = round_trip(rows);
  EXPECT_EQ(side_by_side(back), side_by_side(rows));
  EXPECT_EQ(summary_table(back), summary_table(rows));
}

}  // namespace
}  // namespace oltap::results
