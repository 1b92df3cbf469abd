// Pins down what a PostgreSQL standing in for Redshift is given: CREATE
// TABLE without Redshift's distribution, sort, compression and backup
// attributes, and every other statement untouched.
#include "engine/redshift_ddl.h"

#include <gtest/gtest.h>

namespace oltap::engine {
namespace {

TEST(RedshiftDdl, TableAttributesAreTakenOut) {
  EXPECT_EQ(strip_redshift_attributes("CREATE TABLE region (r_regionkey integer NOT NULL, r_name char(25))\n"
                                      "  DISTSTYLE ALL SORTKEY (r_regionkey)"),
            "CREATE TABLE region (r_regionkey integer NOT NULL, r_name char(25))");
  EXPECT_EQ(
      strip_redshift_attributes("create table lineitem (l_orderkey bigint, l_shipdate date) "
                                "distkey (l_orderkey) compound sortkey (l_shipdate, l_orderkey) backup no"),
      "create table lineitem (l_orderkey bigint, l_shipdate date)");
  EXPECT_EQ(strip_redshift_attributes("CREATE TABLE t (a int) DISTSTYLE AUTO SORTKEY AUTO ENCODE AUTO"),
            "CREATE TABLE t (a int)");
  EXPECT_EQ(strip_redshift_attributes("CREATE TABLE t (a int) INTERLEAVED SORTKEY (a)"),
            "CREATE TABLE t (a int)");
}

TEST(RedshiftDdl, ColumnEncodingsAreTakenOutAndTheRestKept) {
  EXPECT_EQ(
      strip_redshift_attributes("CREATE TABLE t (a int ENCODE az64 NOT NULL, b varchar(10) ENCODE zstd, "
                                "c numeric(15,2) DEFAULT 0) DISTKEY (a)"),
      "CREATE TABLE t (a int NOT NULL, b varchar(10), c numeric(15,2) DEFAULT 0)");
  // Words that only look like attributes inside quotes or names stay.
  EXPECT_EQ(strip_redshift_attributes("CREATE TABLE t (a varchar(20) DEFAULT 'DISTKEY (x)', sortkey_id int)"),
            "CREATE TABLE t (a varchar(20) DEFAULT 'DISTKEY (x)', sortkey_id int)");
}

TEST(RedshiftDdl, OtherStatementsComeBackAsTheyAre) {
  for (const char* sql : {"ANALYZE lineitem", "SELECT 'DISTSTYLE ALL' FROM t", "CREATE VIEW v AS SELECT 1",
                          "ALTER TABLE t ADD PRIMARY KEY (a)", "", "-- a comment\nSELECT 1"})
    EXPECT_EQ(strip_redshift_attributes(sql), sql);
  EXPECT_EQ(strip_redshift_attributes("CREATE TABLE t (a int)"), "CREATE TABLE t (a int)");
}

}  // namespace
}  // namespace oltap::engine
