// Pins down the small lexers and helpers every module leans on: finding
// :name placeholders without being fooled by quotes, comments, dollar-quoted
// bodies, casts or array slices; splitting statements on the semicolons that
// end them; durations and percentages as users write them; did-you-mean; and
// SHA-256 against known digests.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/common.h"

namespace oltap {
namespace {

std::vector<std::string> names(std::string_view sql) {
  std::vector<std::string> out;
  for (const auto& p : scan_placeholders(sql)) out.push_back(p.name);
  return out;
}

using Names = std::vector<std::string>;

// ---------------------------------------------------------------- scan_placeholders

TEST(ScanPlaceholders, FindsNamesWithOffsetAndLength) {
  auto ph = scan_placeholders("UPDATE t SET v = :delta_1 WHERE id = :aid");
  ASSERT_EQ(ph.size(), 2u);
  EXPECT_EQ(ph[0].name, "delta_1");
  EXPECT_EQ(ph[0].offset, 17u);
  EXPECT_EQ(ph[0].length, 8u);
  EXPECT_EQ(ph[1].name, "aid");
  EXPECT_EQ(ph[1].offset, 37u);
  EXPECT_EQ(ph[1].length, 4u);
}

TEST(ScanPlaceholders, RepeatedNameIsFoundEachTime) {
  EXPECT_EQ(names(":a + :b + :a"), (Names{"a", "b", "a"}));
}

TEST(ScanPlaceholders, PlaceholderAtTheVeryStartAndEnd) {
  EXPECT_EQ(names(":x"), (Names{"x"}));
  EXPECT_EQ(names("SELECT :"), Names{});
}

TEST(ScanPlaceholders, ColonBeforeADigitIsNotAName) { EXPECT_EQ(names("SELECT :1, :_x"), (Names{"_x"})); }

TEST(ScanPlaceholders, SkipsSingleDoubleAndBacktickQuotes) {
  EXPECT_EQ(names("SELECT ':a', \":b\", `:c`, :d"), (Names{"d"}));
}

TEST(ScanPlaceholders, DoubledQuoteStaysInsideTheText) {
  // 'a'':b' is one literal; read as 'a' '' :b it would yield :b and then
  // swallow :c into an unterminated literal.
  EXPECT_EQ(names("SELECT 'a'':b', :c"), (Names{"c"}));
  EXPECT_EQ(names("SELECT \"x\"\":y\", :z"), (Names{"z"}));
}

TEST(ScanPlaceholders, UnterminatedQuoteHidesTheRest) {
  EXPECT_EQ(names("SELECT :a, 'oops :b"), (Names{"a"}));
}

TEST(ScanPlaceholders, BackslashEndsNoStandardStringButEscapesInAnEString) {
  // PostgreSQL: 'C:\' is a complete literal; E'it\'s' is one literal too.
  EXPECT_EQ(names("SELECT 'C:\\', :a"), (Names{"a"}));
  EXPECT_EQ(names("SELECT E'it\\'s :no', :b"), (Names{"b"}));
}

TEST(ScanPlaceholders, SkipsLineComments) {
  EXPECT_EQ(names("SELECT 1 -- see :a\n, :b"), (Names{"b"}));
  EXPECT_EQ(names("SELECT :a -- :b"), (Names{"a"}));
}

TEST(ScanPlaceholders, SkipsBlockComments) {
  EXPECT_EQ(names("SELECT /* :a */ :b /* :c"), (Names{"b"}));
  EXPECT_EQ(names("SELECT /* multi\nline :x */ :y"), (Names{"y"}));
}

TEST(ScanPlaceholders, SkipsDollarQuotedBodies) {
  EXPECT_EQ(names("DO $$ BEGIN PERFORM :a; END $$; SELECT :b"), (Names{"b"}));
}

TEST(ScanPlaceholders, SkipsTaggedDollarQuotesUntilTheSameTag) {
  // $$ inside a $fn$ body does not end it.
  EXPECT_EQ(names("AS $fn$ SELECT :a; $$ :c $$ $fn$ LANGUAGE sql; SELECT :b"), (Names{"b"}));
}

TEST(ScanPlaceholders, PositionalDollarParameterIsNotAQuote) {
  EXPECT_EQ(names("SELECT $1, :a, $2"), (Names{"a"}));
}

TEST(ScanPlaceholders, SkipsTypeCasts) {
  EXPECT_EQ(names("SELECT now()::date, :a::int, '1'::text"), (Names{"a"}));
}

TEST(ScanPlaceholders, SkipsAssignment) { EXPECT_EQ(names("SET @x := 1; SELECT @x := :y"), (Names{"y"})); }

TEST(ScanPlaceholders, SkipsArraySlices) {
  EXPECT_EQ(names("SELECT arr[1:2], arr[lo:hi], :x"), (Names{"x"}));
}

// ---------------------------------------------------------------- split_statements

TEST(SplitStatements, SplitsOnSemicolonsTrimsAndDropsBlanks) {
  EXPECT_EQ(split_statements("  SELECT 1;\n SELECT 2 ;; \n;SELECT 3"),
            (Names{"SELECT 1", "SELECT 2", "SELECT 3"}));
  EXPECT_EQ(split_statements(" ;\n; "), Names{});
}

TEST(SplitStatements, SemicolonInsideQuotesDoesNotSplit) {
  EXPECT_EQ(split_statements("INSERT INTO t VALUES ('a;b', 'it''s;'); SELECT \"c;d\""),
            (Names{"INSERT INTO t VALUES ('a;b', 'it''s;')", "SELECT \"c;d\""}));
}

TEST(SplitStatements, SemicolonInsideCommentsDoesNotSplit) {
  EXPECT_EQ(split_statements("-- a; b\nSELECT 1; /* c; d */ SELECT 2"),
            (Names{"-- a; b\nSELECT 1", "/* c; d */ SELECT 2"}));
}

TEST(SplitStatements, SemicolonInsideDollarBodiesDoesNotSplit) {
  const std::string fn = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql";
  const std::string tagged = "DO $body$ BEGIN PERFORM 1; PERFORM $$x;$$; END $body$";
  EXPECT_EQ(split_statements(fn + "; " + tagged + ";SELECT 2"), (Names{fn, tagged, "SELECT 2"}));
}

// ---------------------------------------------------------------- parse_duration_s

TEST(ParseDuration, AcceptsUnitsAndPlainSeconds) {
  EXPECT_DOUBLE_EQ(parse_duration_s("30s"), 30);
  EXPECT_DOUBLE_EQ(parse_duration_s("500ms"), 0.5);
  EXPECT_DOUBLE_EQ(parse_duration_s("250us"), 0.00025);
  EXPECT_DOUBLE_EQ(parse_duration_s("2m"), 120);
  EXPECT_DOUBLE_EQ(parse_duration_s("1h"), 3600);
  EXPECT_DOUBLE_EQ(parse_duration_s("10"), 10);
  EXPECT_DOUBLE_EQ(parse_duration_s("1.5s"), 1.5);
  EXPECT_DOUBLE_EQ(parse_duration_s(" 5s\n"), 5);
  EXPECT_DOUBLE_EQ(parse_duration_s("0"), 0);
}

TEST(ParseDuration, RefusesWhatIsNotADuration) {
  for (const char* bad :
       {"", "   ", "abc", "-1s", "-5", "5 s", "s", "ms", "5x", "5sec", "1h30m", "inf", "nan"}) {
    try {
      parse_duration_s(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << bad;
      std::string msg = e.what();
      if (trim(bad).empty())
        EXPECT_NE(msg.find("empty duration"), std::string::npos) << msg;
      else
        EXPECT_NE(msg.find("is not a duration"), std::string::npos) << msg;
    }
  }
}

// ---------------------------------------------------------------- parse_percent

TEST(ParsePercent, ReadsAPercentageOrABareFraction) {
  EXPECT_DOUBLE_EQ(parse_percent("5%"), 0.05);
  EXPECT_DOUBLE_EQ(parse_percent("0.05"), 0.05);
  EXPECT_DOUBLE_EQ(parse_percent("0.5%"), 0.005);
  EXPECT_DOUBLE_EQ(parse_percent(" 12.5% "), 0.125);
  EXPECT_DOUBLE_EQ(parse_percent("0"), 0);
  EXPECT_DOUBLE_EQ(parse_percent("150%"), 1.5);
  EXPECT_DOUBLE_EQ(parse_percent("0.999"), 0.999);
}

TEST(ParsePercent, RefusesWhatIsNotAPercentage) {
  for (const char* bad : {"", "%", "abc", "5%%", "five", "5 %", "%5", "nan", "inf%"}) {
    try {
      parse_percent(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << bad;
      EXPECT_NE(std::string(e.what()).find("is not a percentage"), std::string::npos) << e.what();
    }
  }
}

TEST(ParsePercent, RefusesNegativesAndBareNumbersOfOneOrMore) {
  for (const char* bad : {"-5%", "-0.05"}) {
    try {
      parse_percent(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("is negative"), std::string::npos) << e.what();
    }
  }
  // 5 could be 5% or 500%, 1 could be 1% or 100%
  for (const char* bad : {"5", "1", "150"}) {
    try {
      parse_percent(bad);
      ADD_FAILURE() << "'" << bad << "' was accepted";
    } catch (const Error& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("is ambiguous: write " + std::string(bad) + "%"), std::string::npos) << msg;
    }
  }
}

TEST(FormatPercent, ShowsAShareAsAPercentage) {
  EXPECT_EQ(format_percent(0.05), "5%");
  EXPECT_EQ(format_percent(parse_percent("0.5%")), "0.5%");
  EXPECT_EQ(format_percent(1.5), "150%");
  EXPECT_EQ(format_percent(0), "0%");
}

// ---------------------------------------------------------------- closest_match

TEST(ClosestMatch, SuggestsTheNearestCandidateForATypo) {
  const Names keys = {"name", "description", "transactions", "parameters", "run"};
  EXPECT_EQ(closest_match("transactons", keys), "transactions");
  EXPECT_EQ(closest_match("paramters", keys), "parameters");
  EXPECT_EQ(closest_match("nme", keys), "name");
  EXPECT_EQ(closest_match("postgress", {"default", "postgres", "mysql"}), "postgres");
}

TEST(ClosestMatch, TwoSwappedLettersAreOneEdit) {
  EXPECT_EQ(edit_distance("itme", "item"), 1u);
  EXPECT_EQ(closest_match("nmae", {"name", "run"}), "name");
}

TEST(ClosestMatch, IgnoresCase) { EXPECT_EQ(closest_match("NAME", {"run", "name"}), "name"); }

TEST(ClosestMatch, NothingWhenTooFarForATypo) {
  EXPECT_EQ(closest_match("zzzzzzzz", {"name", "run"}), "");
  EXPECT_EQ(closest_match("ab", {"xy"}), "");  // short words allow one edit
  EXPECT_EQ(closest_match("ab", {"ax"}), "ax");
  EXPECT_EQ(closest_match("anything", {}), "");
}

TEST(ClosestMatch, AllowsAtMostThreeEditsForLongWords) {
  EXPECT_EQ(closest_match("transactionsxyz", {"transactions"}), "transactions");
  EXPECT_EQ(closest_match("transactionswxyz", {"transactions"}), "");
}

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("abc", "abc"), 0u);
  EXPECT_EQ(edit_distance("flaw", "lawn"), 2u);
}

// ---------------------------------------------------------------- sha256_hex
// Expected digests computed with coreutils' sha256sum.

TEST(Sha256, EmptyInput) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, TwoBlockMessage) {
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, PaddingBoundaries) {
  // 55 bytes leave room for the length in one block, 56 do not, 64 fill a block.
  EXPECT_EQ(sha256_hex(std::string(55, 'a')),
            "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(sha256_hex(std::string(56, 'a')),
            "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(sha256_hex(std::string(64, 'a')),
            "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, ThousandBytes) {
  std::string data;
  for (int i = 0; i < 1000; ++i) data += static_cast<char>('a' + i % 26);
  EXPECT_EQ(sha256_hex(data), "915e53a44c18b19bb06ba5b3f5fcaf1dc4651e8404c63425cfc6174e74659d87");
}

TEST(Sha256, HashesEmbeddedZeroBytes) {
  EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex("a"));
  EXPECT_NE(sha256_hex(std::string("a\0b", 3)), sha256_hex(std::string("a\0c", 3)));
}

TEST(TopLevelOrderBy, IsFoundOutsideParenthesesInAnyCase) {
  EXPECT_TRUE(has_top_level_order_by("SELECT a FROM t ORDER BY a"));
  EXPECT_TRUE(has_top_level_order_by("select a from t\norder\n  by a desc limit 10"));
  EXPECT_TRUE(has_top_level_order_by("SELECT a FROM t ORDER /* why */ BY a"));
  EXPECT_TRUE(has_top_level_order_by("SELECT (SELECT 1) AS x FROM t ORDER BY x"));
}

TEST(TopLevelOrderBy, IgnoresWindowsSubqueriesQuotesAndComments) {
  EXPECT_FALSE(has_top_level_order_by("SELECT rank() OVER (ORDER BY a) FROM t"));
  EXPECT_FALSE(has_top_level_order_by("SELECT * FROM (SELECT a FROM t ORDER BY a) s"));
  EXPECT_FALSE(has_top_level_order_by("SELECT 'order by' FROM t -- order by a"));
  EXPECT_FALSE(has_top_level_order_by("SELECT a AS border, b AS order_by FROM t"));
  EXPECT_FALSE(has_top_level_order_by("SELECT \"order\" FROM t GROUP BY a"));
  EXPECT_FALSE(has_top_level_order_by("SELECT a FROM t ORDER, BY"));
}

TEST(ReplaceName, ReplacesTheNameAloneOrAfterAWordButNotInQuotesCommentsCastsOrLongerNames) {
  EXPECT_EQ(replace_name("CREATE VIEW revenue:stream AS SELECT :stream", "stream", "3"),
            "CREATE VIEW revenue3 AS SELECT 3");
  EXPECT_EQ(replace_name("SELECT ':stream' -- :stream\n, x::stream, :streams", "stream", "3"),
            "SELECT ':stream' -- :stream\n, x::stream, :streams");
  EXPECT_EQ(replace_name("DROP VIEW v:stream", "stream", "12"), "DROP VIEW v12");
}

}  // namespace
}  // namespace oltap
