// Pins down target URIs (DESIGN.md's contract): each part is parsed and
// percent-decoded, ports default by scheme, a password may come from the
// userinfo or ?password=, and neither the redacted form nor any error message
// ever holds the password. Also placeholder translation: :name to $n (a name
// used twice is one parameter) or to ? (each use its own).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/placeholders.h"

namespace oltap::engine {
namespace {

// Clears OLTAP_PASSWORD for the test's duration, so the tests read only the
// URI, and puts back whatever the environment held.
class TargetTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const char* p = std::getenv("OLTAP_PASSWORD")) saved_ = p;
    unsetenv("OLTAP_PASSWORD");
  }
  void TearDown() override {
    if (saved_)
      setenv("OLTAP_PASSWORD", saved_->c_str(), 1);
    else
      unsetenv("OLTAP_PASSWORD");
  }

 private:
  std::optional<std::string> saved_;
};

// The error parse_target throws for uri; fails the test when it parses.
Error parse_error(const std::string& uri) {
  try {
    parse_target(uri);
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "'" << uri << "' parsed without error";
  return Error(ErrorClass::kFatal, "");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// ---------------------------------------------------------------- parsing

TEST_F(TargetTest, ParsesEveryPartOfAFullUri) {
  const std::string uri = "postgresql://bob:s3cret@db.example.com:6543/shop?sslmode=require";
  Target t = parse_target(uri);
  EXPECT_EQ(t.uri, uri);
  EXPECT_EQ(t.scheme, "postgresql");
  EXPECT_EQ(t.engine, "postgres");
  EXPECT_EQ(t.dialect, "postgres");
  EXPECT_EQ(t.user, "bob");
  EXPECT_EQ(t.password, "s3cret");
  EXPECT_EQ(t.host, "db.example.com");
  EXPECT_EQ(t.port, 6543);
  EXPECT_EQ(t.database, "shop");
  EXPECT_EQ(t.options, (std::map<std::string, std::string>{{"sslmode", "require"}}));
}

TEST_F(TargetTest, RedactedKeepsTheBracketsOfAnIpv6Host) {
  EXPECT_EQ(parse_target("postgresql://u:pw@[::1]:5433/db").redacted(), "postgresql://u@[::1]:5433/db");
}

TEST_F(TargetTest, PercentEscapeNeedsTwoHexDigits) {
  EXPECT_THROW(parse_target("postgresql://u@h/d%-1"), Error);
  EXPECT_THROW(parse_target("postgresql://u@h/d%g1"), Error);
}

TEST_F(TargetTest, PortDefaultsTo5432ForPostgres) {
  EXPECT_EQ(parse_target("postgresql://bob@localhost/db").port, 5432);
  EXPECT_EQ(parse_target("postgres://localhost/db").port, 5432);
  EXPECT_EQ(parse_target("postgres://localhost").port, 5432);
}

TEST_F(TargetTest, UserAndDatabaseAreOptional) {
  Target t = parse_target("postgres://localhost:5433");
  EXPECT_EQ(t.user, "");
  EXPECT_EQ(t.password, "");
  EXPECT_EQ(t.database, "");
  EXPECT_EQ(t.port, 5433);
}

TEST_F(TargetTest, SchemeIsCaseInsensitiveAndSurroundingBlanksAreIgnored) {
  Target t = parse_target("  PostgreSQL://bob@h/db \n");
  EXPECT_EQ(t.scheme, "postgresql");
  EXPECT_EQ(t.engine, "postgres");
  EXPECT_EQ(t.host, "h");
  EXPECT_EQ(t.database, "db");
}

TEST_F(TargetTest, PercentDecodesUserPasswordDatabaseAndOptions) {
  Target t = parse_target("postgresql://b%40b:p%40ss%3Aw%2Fd@h/my%20db?application_name=a%26b");
  EXPECT_EQ(t.user, "b@b");
  EXPECT_EQ(t.password, "p@ss:w/d");
  EXPECT_EQ(t.database, "my db");
  EXPECT_EQ(t.options.at("application_name"), "a&b");
}

TEST_F(TargetTest, BadPercentEscapeIsBadInput) {
  for (const char* uri : {"postgresql://b%zzb@h/db", "postgresql://h/db%4", "postgresql://h/db?a=%"}) {
    Error e = parse_error(uri);
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << uri;
    EXPECT_TRUE(contains(e.what(), "bad %-escape")) << e.what();
  }
}

TEST_F(TargetTest, AtSignInAnUnencodedPasswordSplitsAtTheLastOne) {
  Target t = parse_target("postgresql://bob:p@ss@h:5432/db");
  EXPECT_EQ(t.user, "bob");
  EXPECT_EQ(t.password, "p@ss");
  EXPECT_EQ(t.host, "h");
}

TEST_F(TargetTest, PasswordFromTheQuery) {
  Target t = parse_target("postgresql://bob@h/db?password=s3cret&sslmode=disable");
  EXPECT_EQ(t.password, "s3cret");
  EXPECT_EQ(t.options.count("password"), 0u);  // kept apart, never with the options
  EXPECT_EQ(t.options.at("sslmode"), "disable");
  EXPECT_EQ(parse_target("postgresql://h/db?PassWord=s3cret").password, "s3cret");
}

TEST_F(TargetTest, PasswordFromTheEnvironmentWhenTheUriHasNone) {
  setenv("OLTAP_PASSWORD", "fromenv", 1);
  EXPECT_EQ(parse_target("postgresql://bob@h/db").password, "fromenv");
  EXPECT_EQ(parse_target("postgresql://bob:inuri@h/db").password, "inuri");
}

TEST_F(TargetTest, Ipv6HostInBrackets) {
  Target t = parse_target("postgresql://bob@[::1]:5433/db");
  EXPECT_EQ(t.host, "::1");
  EXPECT_EQ(t.port, 5433);
  EXPECT_EQ(t.database, "db");
  Target d = parse_target("postgresql://[fe80::1:2]/db");
  EXPECT_EQ(d.host, "fe80::1:2");
  EXPECT_EQ(d.port, 5432);
}

TEST_F(TargetTest, DialectOptionOverridesTheSchemesDialect) {
  Target t = parse_target("postgresql://h/db?dialect=redshift");
  EXPECT_EQ(t.dialect, "redshift");
  EXPECT_EQ(t.engine, "postgres");
  EXPECT_EQ(parse_target("postgresql://h/db").dialect, "postgres");
}

TEST_F(TargetTest, KnownSchemesListThePostgresSpellings) {
  std::vector<std::string> s = known_schemes();
  EXPECT_NE(std::find(s.begin(), s.end(), "postgresql"), s.end());
  EXPECT_NE(std::find(s.begin(), s.end(), "postgres"), s.end());
}

// ---------------------------------------------------------------- redacted

TEST_F(TargetTest, RedactedKeepsEverythingButThePassword) {
  Target t =
      parse_target("postgresql://bob:s3cret@db.example.com:6543/shop?sslmode=require&application_name=x");
  EXPECT_EQ(t.redacted(), "postgresql://bob@db.example.com:6543/shop?application_name=x&sslmode=require");
}

TEST_F(TargetTest, RedactedShowsTheDefaultPort) {
  EXPECT_EQ(parse_target("postgres://h/db").redacted(), "postgres://h:5432/db");
}

TEST_F(TargetTest, RedactedNeverHoldsThePassword) {
  setenv("OLTAP_PASSWORD", "envs3cret", 1);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"postgresql://bob:s3cret@h/db", "s3cret"},
      {"postgresql://bob:s3cret@h:5432/db?sslmode=require", "s3cret"},
      {"postgresql://bob@h/db?password=s3cret", "s3cret"},
      {"postgresql://bob@h/db?sslmode=require&PASSWORD=s3cret", "s3cret"},
      {"postgresql://bob@h/db?pwd=s3cret", "s3cret"},
      {"postgresql://bob@h/db?pass=s3cret", "s3cret"},
      {"postgresql://bob:p%40ss%3Aw0rd@h/db", "p@ss:w0rd"},
      {"postgresql://bob:p%40ss%3Aw0rd@h/db", "p%40ss"},
      {"postgresql://bob:p@ss@h/db", "p@ss"},
      {"postgresql://bob@[::1]:5433/db?password=s3cret", "s3cret"},
      {"postgresql://bob@h/db", "envs3cret"},
  };
  for (const auto& [uri, password] : cases) {
    Target t = parse_target(uri);
    EXPECT_FALSE(contains(t.redacted(), password)) << uri << " -> " << t.redacted();
    EXPECT_TRUE(contains(t.redacted(), "bob@")) << t.redacted();
  }
}

// ---------------------------------------------------------------- errors

TEST_F(TargetTest, EmptyTargetIsBadInput) {
  Error e = parse_error("   ");
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), "it is empty")) << e.what();
}

TEST_F(TargetTest, MissingSchemeShowsTheExpectedForm) {
  Error e = parse_error("localhost:5432/db");
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), "expected scheme://user@host:port/database")) << e.what();
}

TEST_F(TargetTest, UnknownSchemeListsTheKnownOnes) {
  Error e = parse_error("mysqll://bob@h/db");
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), "unknown scheme 'mysqll'")) << e.what();
  EXPECT_TRUE(contains(e.what(), "known: postgresql postgres")) << e.what();
}

TEST_F(TargetTest, BadPortIsBadInput) {
  for (const char* uri : {"postgresql://h:abc/db", "postgresql://h:0/db", "postgresql://h:65536/db",
                          "postgresql://h:-1/db", "postgresql://h:54x/db", "postgresql://[::1]:x/db"}) {
    Error e = parse_error(uri);
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << uri;
    EXPECT_TRUE(contains(e.what(), "is not a number from 1 to 65535")) << e.what();
  }
  EXPECT_EQ(parse_target("postgresql://h:65535/db").port, 65535);
  EXPECT_EQ(parse_target("postgresql://h:1/db").port, 1);
}

TEST_F(TargetTest, MissingHostIsBadInput) {
  for (const char* uri : {"postgresql:///db", "postgresql://bob@/db", "postgresql://:5432/db"}) {
    Error e = parse_error(uri);
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << uri;
    EXPECT_TRUE(contains(e.what(), "no host")) << e.what();
  }
}

TEST_F(TargetTest, OtherMalformedTargetsAreBadInput) {
  Error bracket = parse_error("postgresql://[::1/db");
  EXPECT_EQ(bracket.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(bracket.what(), "unclosed '['")) << bracket.what();
  Error slash = parse_error("postgresql://h/a/b");
  EXPECT_EQ(slash.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(slash.what(), "must not contain '/'")) << slash.what();
  Error option = parse_error("postgresql://h/db?sslmode");
  EXPECT_EQ(option.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(option.what(), "option 'sslmode' needs a value")) << option.what();
}

TEST_F(TargetTest, ErrorsNeverHoldAUserinfoPassword) {
  const std::vector<std::string> bad = {
      "mysqll://bob:s3cret@h/db",          // unknown scheme
      "postgresql://bob:s3cret@h:abc/db",  // bad port
      "postgresql://bob:s3cret@/db",       // no host
      "postgresql://bob:s3cret@[::1/db",   // unclosed bracket
      "postgresql://bob:s3cret@h/a/b",     // slash in the database
      "postgresql://bob:s3cret@h/db?x",    // option without a value
      "postgresql://bob:s3cret@h/d%zz",    // bad escape
      "postgresql://bob:s3cr%zzet@h/db",   // bad escape in the password itself
  };
  for (const auto& uri : bad) {
    Error e = parse_error(uri);
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << uri;
    EXPECT_FALSE(contains(e.what(), "s3cr")) << uri << " -> " << e.what();
  }
}

// The three tests below fail against uri.cc as it stands, so they are
// disabled until it is fixed: the "shown" form of a bad target keeps the
// whole text after the last '@' (query included), or the whole URI when
// there is no '@' or no "://"; and an unencoded '/' or '?' in a userinfo
// password ends the authority early, so part of the password is reported as
// a port. Run them with --gtest_also_run_disabled_tests.
TEST_F(TargetTest, ErrorsNeverHoldAQueryPassword) {
  const std::vector<std::string> bad = {
      "mysqll://bob@h/db?password=s3cret",          // unknown scheme
      "postgresql://bob@h:abc/db?password=s3cret",  // bad port
      "postgresql://h:abc/db?password=s3cret",      // bad port, no userinfo
      "postgresql:///db?password=s3cret",           // no host
      "postgresql://h/db?password=s3cret&x",        // option without a value
  };
  for (const auto& uri : bad) {
    Error e = parse_error(uri);
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << uri;
    EXPECT_FALSE(contains(e.what(), "s3cret")) << uri << " -> " << e.what();
  }
}

TEST_F(TargetTest, ErrorsNeverHoldAPasswordWhenTheSchemeIsMissing) {
  Error e = parse_error("bob:s3cret@localhost:5432/db");
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_FALSE(contains(e.what(), "s3cret")) << e.what();
}

TEST_F(TargetTest, ErrorsNeverHoldPartOfAPasswordWithAnUnencodedSlashOrQuestionMark) {
  for (const char* uri : {"postgresql://bob:ab/cd@h/db", "postgresql://bob:ab?cd@h/db"}) {
    try {
      Target t = parse_target(uri);
      EXPECT_FALSE(contains(t.redacted(), "ab")) << t.redacted();
      EXPECT_FALSE(contains(t.redacted(), "cd")) << t.redacted();
    } catch (const Error& e) {
      EXPECT_FALSE(contains(e.what(), "ab")) << uri << " -> " << e.what();
      EXPECT_FALSE(contains(e.what(), "cd")) << uri << " -> " << e.what();
    }
  }
}

// ---------------------------------------------------------------- placeholders

TEST(TranslatePlaceholders, DollarStyleNumbersNamesAndReusesARepeatedOne) {
  std::vector<std::string> names;
  EXPECT_EQ(translate_placeholders("SELECT :a, :b, :a", PlaceholderStyle::kDollar, names),
            "SELECT $1, $2, $1");
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b"}));
}

TEST(TranslatePlaceholders, QuestionStyleRepeatsARepeatedName) {
  std::vector<std::string> names;
  EXPECT_EQ(translate_placeholders("SELECT :a, :b, :a", PlaceholderStyle::kQuestion, names),
            "SELECT ?, ?, ?");
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "a"}));
}

TEST(TranslatePlaceholders, LeavesQuotesCommentsAndCastsAlone) {
  std::vector<std::string> names;
  EXPECT_EQ(
      translate_placeholders("SELECT ':a', :b::int -- :c\n, now()::date", PlaceholderStyle::kDollar, names),
      "SELECT ':a', $1::int -- :c\n, now()::date");
  EXPECT_EQ(names, (std::vector<std::string>{"b"}));
}

TEST(TranslatePlaceholders, TextWithoutPlaceholdersIsUnchangedAndNamesAreCleared) {
  std::vector<std::string> names = {"stale"};
  EXPECT_EQ(translate_placeholders("SELECT 1", PlaceholderStyle::kDollar, names), "SELECT 1");
  EXPECT_TRUE(names.empty());
}

TEST(TranslatePlaceholders, MoreThanNineParameters) {
  std::string sql = "VALUES (";
  for (int i = 0; i < 12; ++i) sql += (i ? ", :p" : ":p") + std::to_string(i);
  sql += ")";
  std::vector<std::string> names;
  std::string out = translate_placeholders(sql, PlaceholderStyle::kDollar, names);
  EXPECT_EQ(out, "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)");
  ASSERT_EQ(names.size(), 12u);
  EXPECT_EQ(names[11], "p11");
}

// ---------------------------------------------------------------- connect time-out

TEST_F(TargetTest, ConnectTimeoutDefaultsToTenSecondsAndIsReadFromTheUri) {
  EXPECT_EQ(parse_target("postgresql://u@h/db").connect_timeout_s, 10);
  EXPECT_EQ(parse_target("mysql://u@h/db?connect_timeout=3").connect_timeout_s, 3);
  EXPECT_EQ(parse_target("redis://h:6379/0?Connect_Timeout=4s").connect_timeout_s, 4);
  // ours: not passed on to the driver as an option, not part of the target's name
  Target t = parse_target("postgresql://u@h/db?connect_timeout=3&sslmode=disable");
  EXPECT_EQ(t.options.count("connect_timeout"), 0u);
  EXPECT_EQ(t.redacted(), "postgresql://u@h:5432/db?sslmode=disable");
}

TEST_F(TargetTest, ConnectTimeoutIsAnEntryOfAnOdbcString) {
  Target t = parse_target("odbc:Driver={X};Server=h;connect_timeout=5;Uid=u");
  EXPECT_EQ(t.connect_timeout_s, 5);
  EXPECT_FALSE(contains(t.connection_string, "connect_timeout"));
}

TEST_F(TargetTest, ConnectTimeoutMustBeWholeSecondsFromOne) {
  for (const char* v : {"0", "-2", "1.5", "x", "", "3ms"}) {
    Error e = parse_error(std::string("postgresql://u:pw-secret@h/db?connect_timeout=") + v);
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput) << v;
    EXPECT_TRUE(contains(e.what(), "connect_timeout")) << e.what();
    EXPECT_FALSE(contains(e.what(), "pw-secret")) << e.what();
  }
}

// ---------------------------------------------------------------- redact_target

TEST_F(TargetTest, RedactTargetShowsNoPasswordOfAnyForm) {
  const std::vector<std::string> texts = {
      "postgresql://u:pw-secret@h/db",
      "postgresql://u@h/db?password=pw-secret",
      "postgresql://u:pw-secret@h:notaport/db",  // does not parse
      "nosuch://u:pw-secret@h/db?password=pw-secret",
      "odbc:Driver={X};Server=h;PWD=pw-secret",
      "odbc:Driver={X};Server=h;Pwd=pw-secret;Uid=u",
      "odbc:Driver={X};Server=h;Password=pw-secret",
      "odbc:Driver={X};Server=h;PWD={pw;-secret}",
      "odbc:Driver={X};Server=h;PWD={pw;-secret};connect_timeout=bad",  // does not parse
      "Driver={X};Server=h;PWD=pw-secret",                              // no scheme at all
  };
  for (const auto& text : texts) {
    std::string shown = redact_target(text);
    EXPECT_FALSE(contains(shown, "secret")) << text << " -> " << shown;
    EXPECT_FALSE(shown.empty()) << text;
  }
  EXPECT_EQ(redact_target("odbc:Driver={X};Server=h;PWD={a;b};Uid=u"), "odbc:Driver={X};Server=h;Uid=u;");
}

}  // namespace
}  // namespace oltap::engine

namespace oltap::engine {
namespace {

TEST(OdbcTarget, ConnectionStringKeepsItsEntriesAndHoldsBackPasswordAndDialect) {
  Target t = parse_target(
      "odbc:Driver={PostgreSQL "
      "Unicode};Server=127.0.0.1;Port=5432;Database=w;Uid=u;Pwd=s3cret;dialect=redshift");
  EXPECT_EQ(t.engine, "odbc");
  EXPECT_EQ(t.dialect, "redshift");
  EXPECT_EQ(t.password, "s3cret");
  EXPECT_EQ(t.user, "u");
  EXPECT_EQ(t.connection_string.find("s3cret"), std::string::npos);
  EXPECT_EQ(t.connection_string.find("dialect"), std::string::npos);
  EXPECT_EQ(t.redacted().find("s3cret"), std::string::npos);
  EXPECT_NE(t.redacted().find("Driver={PostgreSQL Unicode}"), std::string::npos);
}

TEST(OdbcTarget, BracedValueMayHoldASemicolon) {
  Target t = parse_target("odbc:DSN=x;Pwd={a;b};Uid=u");
  EXPECT_EQ(t.password, "a;b");
  EXPECT_EQ(t.user, "u");
  EXPECT_EQ(t.redacted().find("a;b"), std::string::npos);
}

// Found by fuzzing (fuzz/corpus/redact/regression-unbalanced-brace): a '{'
// inside a value ("Driver=a{b") was read as opening braces that hid the
// entries after it, so PWD=secret stayed in the redacted target. A value is
// in braces only when '{' follows its '=', as the driver reads it, and a
// brace never closed is refused, without the password in the message.
TEST(OdbcTarget, ABraceInsideAValueHidesNoPassword) {
  Target t = parse_target("odbc:Driver=a{b;PWD=secret;Database=d");
  EXPECT_EQ(t.password, "secret");
  EXPECT_EQ(t.database, "d");
  EXPECT_EQ(t.redacted().find("secret"), std::string::npos) << t.redacted();
  EXPECT_EQ(redact_target("odbc:Driver=a{b;PWD=secret").find("secret"), std::string::npos);
  for (const char* unclosed :
       {"odbc:Driver={a;PWD=secret", "odbc:PWD={secret;Server=h", "odbc:Server={h;Pass=secret"}) {
    try {
      parse_target(unclosed);
      ADD_FAILURE() << unclosed << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
      EXPECT_NE(std::string(e.what()).find("never closed"), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
    }
    EXPECT_EQ(redact_target(unclosed).find("secret"), std::string::npos) << redact_target(unclosed);
    EXPECT_EQ(redact_named_target(std::string("wh=") + unclosed).find("secret"), std::string::npos);
  }
}

// Found by fuzzing (fuzz/corpus/redact/regression-brace-swallows-pwd): a
// brace opened too early reads on to the next lone '}', so the PWD entry
// after it is part of the Driver's value (for the driver too); redaction
// hides such a value.
TEST(OdbcTarget, AValueThatSwallowsAPasswordEntryIsHidden) {
  for (const char* text : {"odbc:Driver={x;PWD={secret};Server=h", "odbc:Driver={x; pass =secret};Server=h",
                           "odbc:Server=h;DSN={a;{Password=secret}"}) {
    EXPECT_EQ(redact_target(text).find("secret"), std::string::npos) << redact_target(text);
    EXPECT_NE(redact_target(text).find("Server=h"), std::string::npos) << redact_target(text);
  }
  // Text that does not parse (a label where none is read) shows nothing after such an entry.
  EXPECT_EQ(redact_target("lbl=odbc:Pwd={a;secret};Server=h"), "lbl=…");
  // Nor what stands before a "://" that cannot be a scheme (regression-scheme-holds-password).
  EXPECT_EQ(redact_target("lbl=odbc:Pwd={secret:redis://h};x"), "…://h};x");
  EXPECT_EQ(redact_target("postgresql://h:x/db"), "postgresql://h:x/db");
  // Nor what follows it when that holds a password entry (regression-host-holds-password).
  EXPECT_EQ(redact_target("lbl=odbc:}}mredis:///;PWD=secret;"), "…://…");
  EXPECT_EQ(parse_target("odbc:Driver={x;PWD={secret};Server=h").redacted(), "odbc:Driver=…;Server=h;");
}

// Found by fuzzing (fuzz/corpus/redact/regression-query-key-holds-password):
// only a ?password= option was hidden, so ?sslpassword= (libpq's key
// passphrase) or a mistyped ??password= showed its value in the redacted
// target; every option or entry whose key holds pass, pwd, secret or token is hidden.
TEST(OdbcTarget, EveryOptionOrEntryThatLooksSecretIsHidden) {
  for (const char* text : {"postgresql://u@h/db?sslpassword=hush&x=1", "redis://h:1/0??password=hush",
                           "mysql://u@h/d?api_token=hush", "odbc:DSN=x;SSLPassword=hush;Server=h",
                           "odbc:DSN=x;ClientSecret={hush};Server=h",
                           // regression-option-value-holds-password: a '?' too many makes it option a's value
                           "redis://h:1/?a=b?password=hush",
                           // regression-user-holds-password: an '@' after the query makes it all the user
                           "redis://u?password=hush&x@h:1/0", "postgresql://h/db?password=hush&y=1@x"}) {
    EXPECT_EQ(parse_target(text).redacted().find("hush"), std::string::npos) << parse_target(text).redacted();
    EXPECT_EQ(redact_target(text).find("hush"), std::string::npos) << redact_target(text);
  }
  EXPECT_EQ(parse_target("postgresql://u@h/db?sslpassword=hush&x=1").redacted(),
            "postgresql://u@h:5432/db?x=1");
  // The driver still gets them: only the password is kept apart.
  EXPECT_NE(parse_target("odbc:DSN=x;SSLPassword=hush").connection_string.find("SSLPassword=hush"),
            std::string::npos);
}

// Found by fuzzing (fuzz/corpus/redact/regression-port-holds-password): an
// odbc: string that starts with "//" reads as a URI whose port was shown
// whole in the message, with the PWD entry after it.
TEST(OdbcTarget, ARefusedPieceThatHoldsAPasswordEntryIsNotShown) {
  for (const char* text :
       {"odbc://h:5432;Password=hush;", "mysql://h/d?driver=x;pwd=hush", "x;pwd=hush://h/d"}) {
    try {
      parse_target(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(std::string(e.what()).find("hush"), std::string::npos) << e.what();
    }
  }
}

// A braced password's '}}' is one '}', as the driver reads it (it was kept doubled).
TEST(OdbcTarget, BracedPasswordUndoublesItsClosingBraces) {
  EXPECT_EQ(parse_target("odbc:DSN=x;Pwd={a}}b;c}").password, "a}b;c");
  EXPECT_EQ(parse_target("odbc:DSN=x;Pwd= {p} ").password, "p");
}

TEST(OdbcTarget, DsnFormAndRedisDatabaseNumber) {
  EXPECT_EQ(parse_target("odbc://mydsn").dsn, "mydsn");
  EXPECT_EQ(parse_target("redis://127.0.0.1:6379/2").database, "2");
  EXPECT_THROW(parse_target("redis://127.0.0.1:6379/users"), Error);
  EXPECT_EQ(parse_target("mysql://u@h/db").port, 3306);
  EXPECT_EQ(parse_target("redshift://u@h/db").dialect, "redshift");
}

// Named targets: LABEL=URI names a target only when the '=' comes before
// the scheme, so the '=' of a URI's query or of an odbc: string's entries
// never reads as a label; a bad label is refused without showing a password.
TEST_F(TargetTest, LabelBeforeTheSchemeNamesTheTarget) {
  Target t = parse_named_target("pg=postgresql://u:pw@127.0.0.1:5432/db?sslmode=disable");
  EXPECT_EQ(t.label, "pg");
  EXPECT_EQ(t.name(), "pg");
  EXPECT_EQ(t.host, "127.0.0.1");
  EXPECT_EQ(t.password, "pw");
  EXPECT_EQ(t.options.at("sslmode"), "disable");
  EXPECT_EQ(t.redacted(), "postgresql://u@127.0.0.1:5432/db?sslmode=disable");
  EXPECT_EQ(t.shown(), "pg (postgresql://u@127.0.0.1:5432/db?sslmode=disable)");
  EXPECT_EQ(parse_named_target("my_db.v-2=redis://h:6379/0").label, "my_db.v-2");
}

TEST_F(TargetTest, UriWithoutLabelKeepsItsOwnEqualsSigns) {
  for (const char* uri : {"postgresql://u@h:5432/db?sslmode=disable&application_name=a=b",
                          "postgresql://u:p=w@h/db", "odbc:Driver=X;Server=h;Database=d"}) {
    Target t = parse_named_target(uri);
    EXPECT_EQ(t.label, "") << uri;
    EXPECT_EQ(t.name(), t.redacted()) << uri;
    EXPECT_EQ(t.redacted(), parse_target(uri).redacted()) << uri;
  }
  // A label may name an odbc: string too, whose own '=' follow it.
  Target o = parse_named_target("wh=odbc:Driver=X;Server=h;Pwd=s3cret");
  EXPECT_EQ(o.label, "wh");
  EXPECT_EQ(o.password, "s3cret");
}

TEST_F(TargetTest, BadLabelIsRefusedNamingItAndHidingThePassword) {
  for (const char* text : {"=postgresql://u@h/db", "my pg=postgresql://u@h/db", "pg/1=postgresql://u@h/db",
                           "p\xc3\xa9=postgresql://u@h/db"}) {
    try {
      parse_named_target(text);
      ADD_FAILURE() << text << " was taken";
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
      EXPECT_NE(std::string(e.what()).find("label"), std::string::npos) << e.what();
    }
  }
  try {
    parse_named_target("bad label=postgresql://u:s3cret@h/db");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'bad label'"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
  }
  // A label with a ':' reads as no label: the text is then a URI of an unknown scheme.
  EXPECT_THROW(parse_named_target("pg:1=postgresql://u@h/db"), Error);
  // The command line's form keeps the label and drops the password.
  EXPECT_EQ(redact_named_target("pg=postgresql://u:s3cret@h/db"), "pg=postgresql://u@h:5432/db");
  EXPECT_EQ(redact_named_target("postgresql://u:s3cret@h/db?a=b"), "postgresql://u@h:5432/db?a=b");
  EXPECT_EQ(redact_named_target("bad label=postgresql://u:s3cret@h/db").find("s3cret"), std::string::npos);
  EXPECT_TRUE(valid_target_label("a.B_9-z"));
  EXPECT_FALSE(valid_target_label(""));
  EXPECT_FALSE(valid_target_label("a,b"));
}
}  // namespace
}  // namespace oltap::engine
