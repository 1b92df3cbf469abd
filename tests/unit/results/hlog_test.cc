// Tests of latency.hlog (src/results/hlog_*.cc): the V2 encoding's bytes as
// HdrHistogram's format defines them, round trips of histograms over the
// whole range with large counts, tags that hold the log's separators, the
// writer's headers and lines, the readers, the errors of bad input (named by
// file and line), and report's refill of a summary's latency columns.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cmath>
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

constexpr int64_t kMillisecond = 1'000'000;

// Values at both ends of the buckets and everywhere between: the exact ones
// (0, 1, 255), the first sub-bucketed one (256), then 1 us .. 1 h on a log
// scale with many counts each.
Histogram wide_histogram() {
  Histogram h;
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{255}, int64_t{256}, Histogram::kMaxTrackableNs})
    h.record(v);
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> exponent(3.0, std::log10(3.6e12));
  for (int i = 0; i < 200'000; ++i) h.record(static_cast<int64_t>(std::pow(10.0, exponent(rng))));
  return h;
}

void expect_same_buckets(const Histogram& a, const Histogram& b) {
  EXPECT_EQ(a.count(), b.count());
  int differing = 0;
  for (int i = 0; i < Histogram::kBucketCount; ++i)
    if (a.bucket_count_at(i) != b.bucket_count_at(i) && ++differing <= 5)
      ADD_FAILURE() << "bucket " << i << ": " << a.bucket_count_at(i) << " vs " << b.bucket_count_at(i);
  EXPECT_EQ(differing, 0);
}

uint64_t get_be(const std::string& s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::string base64_decode(const std::string& in) {
  static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  uint32_t bits = 0;
  int count = 0;
  for (char c : in) {
    if (c == '=') break;
    bits = (bits << 6) | static_cast<uint32_t>(kAlphabet.find(c));
    if ((count += 6) >= 8) out.push_back(static_cast<char>((bits >> (count -= 8)) & 0xff));
  }
  return out;
}

std::string base64_encode(const std::string& in) {
  static const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t g = 0;
    for (size_t k = 0; k < 3; ++k) g = (g << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k) out.push_back(k <= n ? kAlphabet[(g >> (18 - 6 * k)) & 0x3f] : '=');
  }
  return out;
}

// The uncompressed V2 form inside an encoded histogram.
std::string inflate_payload(const std::string& encoded) {
  const std::string bytes = base64_decode(encoded);
  EXPECT_GE(bytes.size(), 8u);
  std::string plain(1 << 20, '\0');
  uLongf size = plain.size();
  EXPECT_EQ(uncompress(reinterpret_cast<Bytef*>(plain.data()), &size,
                       reinterpret_cast<const Bytef*>(bytes.data() + 8), get_be(bytes, 4, 4)),
            Z_OK);
  plain.resize(size);
  return plain;
}

// encoded's compressed form with its V2 form replaced by plain.
std::string recompress(const std::string& plain) {
  uLongf size = compressBound(plain.size());
  std::string deflated(size, '\0');
  compress(reinterpret_cast<Bytef*>(deflated.data()), &size, reinterpret_cast<const Bytef*>(plain.data()),
           plain.size());
  deflated.resize(size);
  std::string out = {'\x1c', '\x84', '\x93', '\x14'};
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((size >> (8 * i)) & 0xff));
  return base64_encode(out + deflated);
}

Error decode_error(const std::string& base64) {
  try {
    decode_hlog_histogram(base64, "some.hlog:7");
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "'" << base64.substr(0, 40) << "' decoded without error";
  return Error(ErrorClass::kFatal, "");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

// A fresh directory per test, removed afterwards.
class HlogFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("oltap-hlog-test-" + std::to_string(getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string log() const { return (dir_ / kHlogFileName).string(); }
  std::string read_log() const {
    std::ifstream in(log(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::vector<std::string> log_lines() const {
    std::vector<std::string> lines;
    std::istringstream in(read_log());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }

  fs::path dir_;
};

const std::string kTarget = "postgresql://oltap@127.0.0.1:5432/oltap";
constexpr int64_t kStartMs = 1'764'624'000'123;

// ---------------------------------------------------------------- the encoding

// HdrHistogram's counts index (AbstractHistogram.countsArrayIndex) for
// lowest discernible value 1 and 2 significant digits: 256 sub-buckets.
int hdr_counts_index(int64_t v) {
  constexpr int kSubBucketCountMagnitude = 8;  // ceil(log2(2 * 10^2))
  constexpr int kHalfCount = 1 << (kSubBucketCountMagnitude - 1);
  constexpr int64_t kSubBucketMask = (int64_t{1} << kSubBucketCountMagnitude) - 1;
  const int bucket =
      64 - kSubBucketCountMagnitude - std::countl_zero(static_cast<uint64_t>(v | kSubBucketMask));
  const int sub_bucket = static_cast<int>(v >> bucket);
  return ((bucket + 1) << (kSubBucketCountMagnitude - 1)) + sub_bucket - kHalfCount;
}

TEST(HlogEncoding, OltapsBucketsAreHdrHistogramsCountsIndexes) {
  std::vector<int64_t> values = {0, 1, 127, 128, 255, 256, 257, 511, 512, 1000, Histogram::kMaxTrackableNs};
  for (int e = 9; e < 42; ++e)
    for (int64_t v : {(int64_t{1} << e) - 1, int64_t{1} << e, (int64_t{1} << e) + 1, (int64_t{3} << (e - 1))})
      values.push_back(v);
  std::mt19937_64 rng(1);
  for (int i = 0; i < 100'000; ++i)
    values.push_back(static_cast<int64_t>(rng() % Histogram::kMaxTrackableNs));
  for (int64_t v : values) ASSERT_EQ(Histogram::bucket_index(v), hdr_counts_index(v)) << v;
  // 1 h falls inside the 4608 counts HdrHistogram allots to highest trackable 1 h.
  EXPECT_LT(hdr_counts_index(Histogram::kMaxTrackableNs), 4608);
}

TEST(HlogEncoding, HoldsTheV2HeaderAndZigZagCountsWithZeroRuns) {
  Histogram h;
  for (int i = 0; i < 3; ++i) h.record(0);
  h.record(5);
  h.record(7);
  const std::string encoded = encode_hlog_histogram(h);
  const std::string bytes = base64_decode(encoded);
  EXPECT_EQ(get_be(bytes, 0, 4), 0x1c849314u) << "compressed V2 cookie";
  EXPECT_EQ(get_be(bytes, 4, 4), bytes.size() - 8) << "compressed length";
  const std::string plain = inflate_payload(encoded);
  ASSERT_GE(plain.size(), 40u);
  EXPECT_EQ(get_be(plain, 0, 4), 0x1c849313u) << "V2 cookie";
  EXPECT_EQ(get_be(plain, 4, 4), plain.size() - 40) << "payload length";
  EXPECT_EQ(get_be(plain, 8, 4), 0u) << "normalizing index offset";
  EXPECT_EQ(get_be(plain, 12, 4), 2u) << "significant digits";
  EXPECT_EQ(get_be(plain, 16, 8), 1u) << "lowest discernible value";
  EXPECT_EQ(get_be(plain, 24, 8), static_cast<uint64_t>(Histogram::kMaxTrackableNs)) << "highest trackable";
  EXPECT_EQ(get_be(plain, 32, 8), std::bit_cast<uint64_t>(1.0)) << "integer-to-double ratio";
  // Counts [3, 0, 0, 0, 0, 1, 0, 1]: 3, a run of four zeros (-4), 1, a single
  // zero (0), 1, ZigZag-encoded, and nothing after the last non-zero count.
  EXPECT_EQ(plain.substr(40), std::string("\x06\x07\x02\x00\x02", 5));
}

TEST(HlogEncoding, LargeCountsTakeUpToNineBytes) {
  Histogram h;
  h.add_to_bucket(0, int64_t{1} << 62);  // ZigZag 2^63: the ninth byte
  h.add_to_bucket(1, 300);
  const std::string plain = inflate_payload(encode_hlog_histogram(h));
  EXPECT_EQ(plain.substr(40, 9), std::string("\x80\x80\x80\x80\x80\x80\x80\x80\x80", 9));
  EXPECT_EQ(plain.substr(49), std::string("\xd8\x04", 2));  // ZigZag(300) = 600
  Histogram back = decode_hlog_histogram(encode_hlog_histogram(h), "x");
  EXPECT_EQ(back.bucket_count_at(0), int64_t{1} << 62);
  EXPECT_EQ(back.bucket_count_at(1), 300);
}

TEST(HlogEncoding, RoundTripKeepsEveryBucketFromZeroToAnHour) {
  const Histogram h = wide_histogram();
  const Histogram back = decode_hlog_histogram(encode_hlog_histogram(h), "x");
  expect_same_buckets(h, back);
  EXPECT_GT(back.bucket_count_at(Histogram::bucket_index(Histogram::kMaxTrackableNs)), 0);
  // Bounds come from the buckets: the lowest bucket holds exactly 0, the
  // highest reaches its upper end.
  EXPECT_EQ(back.min(), 0);
  EXPECT_EQ(back.max(), Histogram::bucket_upper(Histogram::bucket_index(Histogram::kMaxTrackableNs)) - 1);
  for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999})
    EXPECT_NEAR(back.value_at_quantile(q), h.value_at_quantile(q), h.value_at_quantile(q) / 256 + 0.5) << q;
}

TEST(HlogEncoding, EmptyHistogramRoundTrips) {
  const Histogram back = decode_hlog_histogram(encode_hlog_histogram(Histogram()), "x");
  EXPECT_EQ(back.count(), 0);
  EXPECT_EQ(back.max(), 0);
}

TEST(HlogEncoding, BadInputIsRefusedNamingWhereItCameFrom) {
  Histogram h;
  h.record(1000);
  const std::string good = encode_hlog_histogram(h);

  Error e = decode_error("not base64!");
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), "some.hlog:7: ")) << e.what();
  EXPECT_TRUE(contains(e.what(), "base64")) << e.what();
  EXPECT_TRUE(contains(decode_error(good.substr(0, good.size() - 1)).what(), "base64"));

  std::string bytes = base64_decode(good);
  bytes[3] = '\x15';  // a DoubleHistogram's cookie, say
  e = decode_error(base64_encode(bytes));
  EXPECT_TRUE(contains(e.what(), "cookie 0x1c849315")) << e.what();

  bytes = base64_decode(good);
  bytes[10] = static_cast<char>(bytes[10] ^ 0x55);  // inside the zlib stream
  e = decode_error(base64_encode(bytes));
  EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
  EXPECT_TRUE(contains(e.what(), "some.hlog:7: ")) << e.what();

  bytes = base64_decode(good);
  e = decode_error(base64_encode(bytes.substr(0, bytes.size() - 4)));  // truncated
  EXPECT_TRUE(contains(e.what(), "truncated")) << e.what();

  std::string plain = inflate_payload(good);
  plain[15] = 3;  // 3 significant digits: another layout
  e = decode_error(recompress(plain));
  EXPECT_TRUE(contains(e.what(), "3 significant digits")) << e.what();

  plain = inflate_payload(good);
  plain[3] = '\x12';  // a V1 histogram inside
  e = decode_error(recompress(plain));
  EXPECT_TRUE(contains(e.what(), "cookie 0x1c849312")) << e.what();
}

// ---------------------------------------------------------------- tags

TEST(HlogTags, SeparatorsArePercentEncodedAndComeBack) {
  const std::string target = "odbc:Driver={PostgreSQL Unicode};Server=127.0.0.1,5432;Uid=oltap;x=50%";
  const std::string group = "g 1,%2C/x";
  const std::string txn = "new/order\t\xc3\xa9";
  const std::string tag = hlog_tag(target, group, txn);
  for (char c : tag) {
    EXPECT_NE(c, ',') << tag;
    EXPECT_FALSE(std::isspace(static_cast<unsigned char>(c))) << tag;
    EXPECT_TRUE(c > 0x20 && c < 0x7f) << tag;
  }
  auto parsed = parse_hlog_tag(tag);
  ASSERT_TRUE(parsed) << tag;
  EXPECT_EQ(parsed->target, target);
  EXPECT_EQ(parsed->group, group);
  EXPECT_EQ(parsed->txn, txn);
  EXPECT_FALSE(parsed->whole_run);

  const std::string whole = hlog_whole_run_tag(target, group, txn);
  EXPECT_EQ(whole, kHlogWholeRunPrefix + tag);
  auto parsed_whole = parse_hlog_tag(whole);
  ASSERT_TRUE(parsed_whole);
  EXPECT_TRUE(parsed_whole->whole_run);
  EXPECT_EQ(parsed_whole->target, target);
  EXPECT_EQ(parsed_whole->txn, txn);
}

TEST(HlogTags, AUriTargetStaysReadable) {
  EXPECT_EQ(hlog_tag(kTarget, "default", "tpcb"), kTarget + "/default/tpcb");
  auto parsed = parse_hlog_tag(kTarget + "/default/tpcb");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->target, kTarget);
  EXPECT_EQ(parsed->group, "default");
}

TEST(HlogTags, TagsOltapDidNotMakeAreNone) {
  EXPECT_FALSE(parse_hlog_tag("plain"));
  EXPECT_FALSE(parse_hlog_tag("a/b"));
  EXPECT_FALSE(parse_hlog_tag("t/g/%zz"));
  EXPECT_FALSE(parse_hlog_tag("t/g/x%4"));
  EXPECT_FALSE(parse_hlog_tag("stage=1t/g/x"));  // a stage is ended by ':'
  EXPECT_FALSE(parse_hlog_tag("stage=:t/g/x"));  // and not empty
  EXPECT_FALSE(parse_hlog_tag("svc:stage=%zz:t/g/x"));
}

TEST(HlogTags, UnstagedLatencyTagsAreAsBeforeOpenLoops) {
  // The bytes of closed-loop files do not change: these are the tags they had.
  EXPECT_EQ(hlog_tag(kTarget, "default", "tpcb", "", false), kTarget + "/default/tpcb");
  EXPECT_EQ(hlog_whole_run_tag(kTarget, "default", "tpcb", "", false), "whole:" + kTarget + "/default/tpcb");
  EXPECT_EQ(hlog_tag(HlogTag{kTarget, "default", "tpcb", true}), "whole:" + kTarget + "/default/tpcb");
}

TEST(HlogTags, ServiceAndStagePrefixesFollowWholeAndComeBack) {
  EXPECT_EQ(hlog_tag(kTarget, "default", "tpcb", "", true), "svc:" + kTarget + "/default/tpcb");
  EXPECT_EQ(hlog_tag(kTarget, "default", "tpcb", "3"), "stage=3:" + kTarget + "/default/tpcb");
  EXPECT_EQ(hlog_whole_run_tag(kTarget, "default", "tpcb", "12", true),
            "whole:svc:stage=12:" + kTarget + "/default/tpcb");
  const std::string odd_target = "odbc:DSN=a,b;x=50%";
  for (bool whole : {false, true})
    for (bool service : {false, true})
      for (const std::string stage : {"", "1", "a:b/c,d%"}) {
        const HlogTag tag{odd_target, "g/1", "new order", whole, stage, service};
        const std::string text = hlog_tag(tag);
        SCOPED_TRACE(text);
        EXPECT_EQ(text.find(','), std::string::npos);
        auto parsed = parse_hlog_tag(text);
        ASSERT_TRUE(parsed);
        EXPECT_EQ(*parsed, tag);
      }
}

TEST(HlogTags, ATargetThatStartsLikeAPrefixIsNotReadAsOne) {
  for (const std::string target : {"svc:x", "stage=1:x", "whole:x"}) {
    SCOPED_TRACE(target);
    for (const HlogTag& tag : {HlogTag{target, "g", "t"}, HlogTag{target, "g", "t", true, "2", true}}) {
      const std::string text = hlog_tag(tag);
      auto parsed = parse_hlog_tag(text);
      ASSERT_TRUE(parsed) << text;
      EXPECT_EQ(*parsed, tag) << text;
    }
  }
}

// ---------------------------------------------------------------- the log file

TEST_F(HlogFiles, WriterWritesHeadersOnceAndOneLinePerHistogram) {
  Histogram a;
  a.record(3 * kMillisecond);
  a.record(1'234'567);
  {
    HlogWriter w(dir_.string(), kStartMs);
    EXPECT_EQ(w.path(), log());
    w.append(hlog_tag(kTarget, "default", "tpcb"), 0, 1, a);
    w.flush();
    // Flushed lines are in the file while the writer is still open.
    EXPECT_EQ(read_hlog(log()).size(), 1u);
  }
  {
    HlogWriter w(dir_.string(), kStartMs + 5000);  // a second writer appends
    w.append(hlog_whole_run_tag(kTarget, "default", "tpcb"), 0, 2.5, a);
    w.flush();
  }
  const auto lines = log_lines();
  ASSERT_EQ(lines.size(), 7u) << read_log();
  EXPECT_EQ(lines[0], "#[Histogram log format version 1.3]");
  EXPECT_EQ(lines[1], "#[StartTime: 1764624000.123 (seconds since epoch), 2025-12-01T21:20:00.123Z]");
  EXPECT_EQ(lines[2], "#[BaseTime: 1764624000.123 (seconds since epoch)]");
  EXPECT_EQ(lines[3].substr(0, 1), "#");
  EXPECT_EQ(lines[4],
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"");
  EXPECT_EQ(lines[5], "Tag=" + kTarget + "/default/tpcb,0.000,1.000,3.000000," + encode_hlog_histogram(a));
  EXPECT_TRUE(lines[6].starts_with("Tag=whole:" + kTarget + "/default/tpcb,0.000,2.500,3.000000,"))
      << lines[6];

  const auto entries = read_hlog(dir_.string());  // a folder is accepted
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].tag, hlog_tag(kTarget, "default", "tpcb"));
  EXPECT_EQ(entries[0].start_s, 0);
  EXPECT_EQ(entries[0].length_s, 1);
  EXPECT_EQ(entries[1].length_s, 2.5);
  expect_same_buckets(entries[0].histogram, a);
  // Interval_Max keeps the exact maximum, finer than its bucket.
  EXPECT_EQ(entries[0].histogram.max(), 3 * kMillisecond);
  EXPECT_EQ(entries[0].histogram.min(), Histogram::bucket_lower(Histogram::bucket_index(1'234'567)));
}

TEST_F(HlogFiles, RoundTripThroughTheFileKeepsQuantilesAndMax) {
  const Histogram h = wide_histogram();
  Histogram no_extremes;  // min and max inside wide buckets, not at their edges
  for (int64_t v = 1'000'003; v < 900'000'000; v = v * 3 / 2) no_extremes.record(v);
  {
    HlogWriter w(dir_.string(), kStartMs);
    w.append(hlog_tag(kTarget, "g", "wide"), 0, 1, h);
    w.append(hlog_tag(kTarget, "g", "narrow"), 0, 1, no_extremes);
  }
  const auto entries = read_hlog(log());
  ASSERT_EQ(entries.size(), 2u);
  expect_same_buckets(entries[0].histogram, h);
  EXPECT_EQ(entries[0].histogram.max(), h.max());
  EXPECT_EQ(entries[1].histogram.max(), no_extremes.max());
  for (double q : {0.5, 0.9, 0.95, 0.99, 0.999, 1.0}) {
    EXPECT_EQ(entries[0].histogram.value_at_quantile(q), h.value_at_quantile(q)) << q;
    EXPECT_EQ(entries[1].histogram.value_at_quantile(q), no_extremes.value_at_quantile(q)) << q;
  }
}

TEST_F(HlogFiles, WholeRunHistogramsAreKeptApartFromIntervals) {
  Histogram first, second, whole;
  for (int i = 1; i <= 100; ++i) first.record(i * kMillisecond);
  for (int i = 1; i <= 50; ++i) second.record(i * 2 * kMillisecond);
  whole.merge_from(first);
  whole.merge_from(second);
  Histogram other;
  other.record(7 * kMillisecond);
  {
    HlogWriter w(dir_.string(), kStartMs);
    w.append(hlog_tag(kTarget, "default", "a b"), 0, 1, first);
    w.append(hlog_tag(kTarget, "default", "other"), 0, 1, other);
    w.append(hlog_tag(kTarget, "default", "a b"), 1, 1, second);
    w.append(hlog_whole_run_tag(kTarget, "default", "a b"), 0, 2, whole);
    w.append(hlog_whole_run_tag(kTarget, "default", "other"), 0, 2, other);
  }
  const auto runs = read_whole_run_histograms(log());
  ASSERT_EQ(runs.size(), 2u);
  const auto it = runs.find(HlogTag{kTarget, "default", "a b", true});
  ASSERT_NE(it, runs.end());
  expect_same_buckets(it->second, whole);
  EXPECT_EQ(it->second.count(), 150);
  EXPECT_EQ(runs.at(HlogTag{kTarget, "default", "other", true}).count(), 1);
}

TEST_F(HlogFiles, AMalformedLineIsNamedByFileAndLine) {
  Histogram h;
  h.record(kMillisecond);
  {
    HlogWriter w(dir_.string(), kStartMs);
    w.append(hlog_tag(kTarget, "g", "t"), 0, 1, h);
  }
  const std::string good = read_log();
  auto error_of = [&](const std::string& extra_line) {
    std::ofstream(log(), std::ios::binary | std::ios::trunc) << good << extra_line << "\n";
    try {
      read_hlog(log());
    } catch (const Error& e) {
      EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
      return std::string(e.what());
    }
    ADD_FAILURE() << extra_line << " read without error";
    return std::string();
  };
  // The writer's lines are 1-6; the bad one is line 7.
  const std::string where = log() + ":7: ";
  std::string e = error_of("Tag=t/g/t,0.000,1.000,1.0,@@@@");
  EXPECT_TRUE(contains(e, where) && contains(e, "base64")) << e;
  e = error_of("Tag=t/g/t,0.000,1.000,1.0,AAAAAAAAAAA=");
  EXPECT_TRUE(contains(e, where) && contains(e, "cookie")) << e;
  e = error_of("Tag=t/g/t,0.000,1.000," + encode_hlog_histogram(h));
  EXPECT_TRUE(contains(e, where) && contains(e, "fields")) << e;
  e = error_of("Tag=t/g/t,zero,1.000,1.0," + encode_hlog_histogram(h));
  EXPECT_TRUE(contains(e, where) && contains(e, "not a number")) << e;
  // An empty line holds no histogram and is no error.
  std::ofstream(log(), std::ios::binary | std::ios::trunc) << good << "\n";
  EXPECT_EQ(read_hlog(log()).size(), 1u);
}

TEST_F(HlogFiles, AMissingLogIsBadInput) {
  try {
    read_hlog(log());
    ADD_FAILURE() << "read a missing file";
  } catch (const Error& e) {
    EXPECT_EQ(e.error_class(), ErrorClass::kBadInput);
    EXPECT_TRUE(contains(e.what(), log())) << e.what();
  }
}

TEST_F(HlogFiles, ServiceLinesAreNotWholeRunLatencies) {
  Histogram latency, service;
  latency.record(9 * kMillisecond);
  service.record(1 * kMillisecond);
  service.record(2 * kMillisecond);
  {
    HlogWriter w(dir_.string(), kStartMs);
    w.append(hlog_whole_run_tag(kTarget, "default", "a"), 0, 2, latency);
    w.append(hlog_whole_run_tag(kTarget, "default", "a", "", true), 0, 2, service);
    w.append(hlog_whole_run_tag(kTarget, "default", "a", "1", true), 0, 1, service);
  }
  const auto runs = read_whole_run_histograms(log());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs.begin()->first, (HlogTag{kTarget, "default", "a", true}));
  EXPECT_EQ(runs.begin()->second.count(), 1);
  // Every line is still in the log, each with its own tag.
  const auto entries = read_hlog(log());
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].tag, "whole:svc:" + kTarget + "/default/a");
  EXPECT_EQ(entries[1].histogram.count(), 2);
}

// ---------------------------------------------------------------- report's refill

SummaryRow row_of(const std::string& group, const std::string& txn) {
  SummaryRow r;
  r.target = kTarget;
  r.group = group;
  r.txn = txn;
  r.duration_s = 10;
  r.committed = 5;
  r.lat_mean_ms = 1.5;
  r.lat_p50_ms = r.lat_p90_ms = r.lat_p95_ms = r.lat_p99_ms = r.lat_p999_ms = r.lat_max_ms = 99999;
  return r;
}

TEST_F(HlogFiles, RefillTakesPercentilesFromTheWholeRunHistograms) {
  Histogram h;
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(2.0 * kMillisecond), 0.8);
  for (int i = 0; i < 10'000; ++i) h.record(static_cast<int64_t>(latency(rng)));
  Histogram interval;  // an interval line of the same tag must not count
  interval.record(500 * kMillisecond);
  {
    HlogWriter w(dir_.string(), kStartMs);
    w.append(hlog_tag(kTarget, "default", "tpcb"), 0, 1, interval);
    w.append(hlog_whole_run_tag(kTarget, "default", "tpcb"), 0, 10, h);
  }
  std::vector<SummaryRow> rows = {row_of("default", "tpcb"), row_of("default", "ALL")};
  EXPECT_EQ(refill_latency_from_hlog((dir_ / "summary.csv").string(), rows), 1);

  // The figures summary.csv would hold for h, to its 3 decimals.
  SummaryRow expected = rows[0];
  fill_latency(expected, h);
  auto as_written = [](double ms) { return fmt::format("{:.3f}", ms); };
  const std::pair<double SummaryRow::*, const char*> columns[] = {
      {&SummaryRow::lat_p50_ms, "p50"}, {&SummaryRow::lat_p90_ms, "p90"},   {&SummaryRow::lat_p95_ms, "p95"},
      {&SummaryRow::lat_p99_ms, "p99"}, {&SummaryRow::lat_p999_ms, "p999"}, {&SummaryRow::lat_max_ms, "max"}};
  for (const auto& [column, name] : columns) {
    EXPECT_EQ(as_written(rows[0].*column), as_written(expected.*column)) << name;
    EXPECT_EQ(rows[0].*column, std::stod(as_written(rows[0].*column))) << name << " is not rounded";
  }
  EXPECT_LT(rows[0].lat_max_ms, 500) << "the interval line was counted";
  EXPECT_EQ(rows[0].lat_mean_ms, 1.5) << "summary.csv's exact mean stays";
  // A row without a whole-run histogram keeps what summary.csv said.
  EXPECT_EQ(rows[1].lat_p50_ms, 99999);

  // A folder without latency.hlog: nothing changes.
  fs::remove(log());
  std::vector<SummaryRow> untouched = {row_of("default", "tpcb")};
  EXPECT_EQ(refill_latency_from_hlog(dir_.string(), untouched), 0);
  EXPECT_EQ(untouched[0].lat_p99_ms, 99999);
}

TEST_F(HlogFiles, RefillMatchesEachRowToItsStagesHistogram) {
  Histogram whole, first, second;
  for (int i = 1; i <= 100; ++i) {
    first.record(i * kMillisecond / 10);  // up to 10 ms
    second.record(i * kMillisecond);      // up to 100 ms
  }
  whole.merge_from(first);
  whole.merge_from(second);
  {
    HlogWriter w(dir_.string(), kStartMs);
    w.append(hlog_whole_run_tag(kTarget, "default", "tpcb", "1"), 0, 5, first);
    w.append(hlog_whole_run_tag(kTarget, "default", "tpcb", "2"), 5, 5, second);
    w.append(hlog_whole_run_tag(kTarget, "default", "tpcb"), 0, 10, whole);
  }
  std::vector<SummaryRow> rows = {row_of("default", "tpcb"), row_of("default", "tpcb"),
                                  row_of("default", "tpcb")};
  rows[0].stage = "1";
  rows[1].stage = "2";
  EXPECT_EQ(refill_latency_from_hlog(dir_.string(), rows), 3);
  EXPECT_NEAR(rows[0].lat_max_ms, 10, 0.001);
  EXPECT_NEAR(rows[1].lat_max_ms, 100, 0.001);
  EXPECT_NEAR(rows[2].lat_max_ms, 100, 0.001);
  EXPECT_NEAR(rows[1].lat_p50_ms, second.value_at_quantile(0.5) / kMillisecond, 0.001);
  EXPECT_NEAR(rows[2].lat_p50_ms, whole.value_at_quantile(0.5) / kMillisecond, 0.001);
  EXPECT_LT(rows[2].lat_p50_ms, rows[1].lat_p50_ms);
}

}  // namespace
}  // namespace oltap::results
