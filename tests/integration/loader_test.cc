// `oltap load` on PostgreSQL: text that COPY must escape arrives unchanged,
// the rows do not depend on --jobs (each job loads whole tables with COPY
// FREEZE), and each table's own after_load runs.
// Database: oltap_it_loader.
#include <gtest/gtest.h>

#include "harness.h"

namespace oltap_it {
namespace {

const char* kWorkload = R"(name: loader
schema: |
  CREATE TABLE ld_text (id int, tab text, nl text, bs text, cr text, empty text, nothing text);
  CREATE TABLE ld_parent (id int, n int);
  CREATE TABLE ld_child (parent int, num int, v text);
data:
  - table: ld_text
    rows: 25000
    columns:
      id: {seq: 1}
      tab: "a\tb"
      nl: "line\nbreak"
      bs: "back\\slash \\N"
      cr: "cr\r"
      empty: ""
      nothing: null
  - table: ld_parent
    rows: 12345
    after_load:
      postgres: ALTER TABLE ld_parent ADD PRIMARY KEY (id)
    columns:
      id: {seq: 1}
      n: {uniform: [0, 4], key: row}
  - table: ld_child
    rows: 12345
    let:
      n: {uniform: [0, 4], key: row}
    repeat: {count: n, let: {w: {string: [3, 9]}}}
    columns:
      parent: {expr: row + 1}
      num: {expr: item}
      v: {expr: w}
transactions:
  - name: noop
    steps:
      - sql: SELECT 1
)";

class Loader : public ::testing::Test {
 protected:
  void SetUp() override {
    static const std::string uri = make_scratch_db("oltap_it_loader");
    uri_ = uri;
    write_file(dir_ / "loader.yaml", kWorkload);
  }
  void load(int jobs, const std::string& extra = "") {
    std::vector<std::string> args = {
        "load", (dir_ / "loader.yaml").string(), "--target", uri_, "--jobs", std::to_string(jobs)};
    if (!extra.empty()) args.push_back(extra);
    CmdResult r = oltap(args);
    ASSERT_EQ(r.exit_code, 0) << r.describe();
    said_ = r.out + r.err;
  }
  // A digest of a table's rows in key order.
  std::string digest(const std::string& table, const std::string& order) {
    return sql_value(uri_,
                     "SELECT md5(string_agg(t::text, '|' ORDER BY " + order + ")) FROM " + table + " t");
  }
  TempDir dir_;
  std::string uri_;
  std::string said_;  // the last load's output
};

TEST_F(Loader, TextThatCopyEscapesArrivesUnchanged) {
  for (int jobs : {1, 2}) {
    load(jobs);
    EXPECT_EQ(sql_int(uri_,
                      "SELECT count(*) FROM ld_text WHERE tab = E'a\\tb' AND nl = E'line\\nbreak' AND "
                      "bs = E'back\\\\slash \\\\N' AND cr = E'cr\\r' AND empty = '' AND nothing IS NULL"),
              25000)
        << "jobs " << jobs;
  }
}

TEST_F(Loader, RowsDoNotDependOnJobsAndEachTableRunsItsAfterLoad) {
  load(1);
  const std::string parent = digest("ld_parent", "id"), child = digest("ld_child", "parent, num");
  load(2);
  EXPECT_EQ(digest("ld_parent", "id"), parent);
  EXPECT_EQ(digest("ld_child", "parent, num"), child);
  // repeat made as many children as each parent's keyed n says, numbered 1..n.
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM ld_child"), sql_int(uri_, "SELECT sum(n) FROM ld_parent"));
  EXPECT_EQ(
      sql_int(
          uri_,
          "SELECT count(*) FROM ld_parent p LEFT JOIN (SELECT parent, count(*) c, max(num) m FROM ld_child "
          "GROUP BY parent) c ON c.parent = p.id WHERE coalesce(c.c, 0) <> p.n OR coalesce(c.m, 0) <> p.n"),
      0);
  EXPECT_EQ(
      sql_int(uri_,
              "SELECT count(*) FROM pg_constraint WHERE conrelid = 'ld_parent'::regclass AND contype = 'p'"),
      1);
}

TEST_F(Loader, NoAfterLoadLoadsTheRowsOnly) {
  load(2, "--no-after-load");
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM ld_parent"), 12345);
  EXPECT_EQ(
      sql_int(uri_,
              "SELECT count(*) FROM pg_constraint WHERE conrelid = 'ld_parent'::regclass AND contype = 'p'"),
      0);
  EXPECT_TRUE(contains(said_, "skipped the after_load statements (--no-after-load)")) << said_;
  EXPECT_FALSE(contains(said_, "ran after_load")) << said_;
}

// A bound that cannot be is found by validate, and a load of such a file
// fails before it drops anything: the tables keep their rows.
TEST_F(Loader, ImpossibleBoundsAreRefusedBeforeAnyTableIsTouched) {
  load(1);
  std::string bad = kWorkload;
  const std::string good = "w: {string: [3, 9]}";
  ASSERT_NE(bad.find(good), std::string::npos);
  bad.replace(bad.find(good), good.size(), "w: {string: [9, 3]}");
  write_file(dir_ / "bad.yaml", bad);
  CmdResult v = oltap({"validate", (dir_ / "bad.yaml").string()});
  EXPECT_EQ(v.exit_code, 2) << v.describe();
  EXPECT_TRUE(contains(v.err, "bad.yaml:28:33: ") && contains(v.err, "above maximum length")) << v.describe();
  CmdResult l = oltap({"load", (dir_ / "bad.yaml").string(), "--target", uri_});
  EXPECT_EQ(l.exit_code, 2) << l.describe();
  EXPECT_FALSE(contains(l.out + l.err, "created")) << l.describe();
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM ld_parent"), 12345);
  EXPECT_EQ(sql_int(uri_, "SELECT count(*) FROM ld_text"), 25000);
}

}  // namespace
}  // namespace oltap_it
