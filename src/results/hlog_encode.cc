// One histogram as a latency.hlog line holds it: HdrHistogram's V2 encoding
// (AbstractHistogram.encodeIntoByteBuffer and encodeIntoCompressedByteBuffer
// of the Java library, the reference implementation), deflated with zlib and
// written in base64. Pure functions; no state, no threads.
//
// The V2 layout, all integers big-endian:
//   compressed: int32 cookie 0x1c849314, int32 length N, N bytes of a zlib
//               stream that inflates to the uncompressed form below.
//   uncompressed: int32 cookie 0x1c849313, int32 payload length,
//               int32 normalizing index offset (0), int32 significant
//               digits, int64 lowest discernible value, int64 highest
//               trackable value, float64 integer-to-double ratio (1.0): 40
//               bytes; then the payload, counts index 0 up to the last
//               non-zero one, each a ZigZag LEB128 int64 of at most 9 bytes
//               (the 9th holds 8 bits), a run of k > 1 zero counts as -k.
// In both cookies the 0xf0 bits are a word-size nibble V2 ignores (0x10).
//
// Why the counts are oltap's buckets as they are: for lowest discernible
// value 1 and 2 significant digits HdrHistogram has subBucketCount
// 2^ceil(log2(2 * 10^2)) = 256 (half: 128) and unit magnitude 0, and puts v
// at counts index (b + 1) * 128 + (v >> b) - 128 with bucket b = 56 -
// clz64(v | 255) (AbstractHistogram.countsArrayIndex): b * 128 + (v >> b),
// metrics::Histogram::bucket_index's shift * 128 + (v >> shift) with shift b.
// Highest trackable 1 h (kMaxTrackableNs, where oltap clamps) gives 35
// buckets, (35 + 1) * 128 = 4608 counts: 1 h itself is index 4561.
#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <string_view>

#include "results.h"

namespace oltap::results {
namespace {

constexpr uint32_t kCookieBaseMask = ~uint32_t{0xf0};
constexpr uint32_t kV2Cookie = 0x1c849303 | 0x10;
constexpr uint32_t kV2CompressedCookie = 0x1c849304 | 0x10;
constexpr size_t kHeaderBytes = 40;
constexpr size_t kMaxVarintBytes = 9;
constexpr int64_t kMaxZeroRun = (int64_t{1} << 31) - 1;
// The layout oltap's buckets are (see README, "latency.hlog"): with these,
// HdrHistogram's counts index i is metrics::Histogram's bucket i.
constexpr int32_t kSignificantDigits = 2;
constexpr int64_t kLowestDiscernibleNs = 1;
constexpr int64_t kHighestTrackableNs = metrics::Histogram::kMaxTrackableNs;

void put_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_be(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}

// ZigZag, then LEB128 of 7 bits per byte, low bits first; the ninth byte,
// if reached, carries the top 8 bits whole (HdrHistogram's "LEB128-64b9B").
void put_zigzag(std::string& out, int64_t value) {
  uint64_t v = (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
  for (size_t i = 0; i + 1 < kMaxVarintBytes; ++i) {
    if ((v >> 7) == 0) {
      out.push_back(static_cast<char>(v));
      return;
    }
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads one value at pos; false when the payload ends inside it.
bool get_zigzag(std::string_view in, size_t& pos, int64_t& value) {
  uint64_t v = 0;
  for (size_t i = 0; i < kMaxVarintBytes; ++i) {
    if (pos >= in.size()) return false;
    const auto byte = static_cast<unsigned char>(in[pos++]);
    if (i + 1 == kMaxVarintBytes) {
      v |= static_cast<uint64_t>(byte) << 56;
      break;
    }
    v |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) break;
  }
  value = static_cast<int64_t>((v >> 1) ^ (0 - (v & 1)));
  return true;
}

constexpr char kBase64Alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64_encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (size_t i = 0; i < in.size(); i += 3) {
    const size_t n = std::min<size_t>(3, in.size() - i);
    uint32_t group = 0;
    for (size_t k = 0; k < 3; ++k)
      group = (group << 8) | (k < n ? static_cast<unsigned char>(in[i + k]) : 0u);
    for (size_t k = 0; k < 4; ++k)
      out.push_back(k <= n ? kBase64Alphabet[(group >> (18 - 6 * k)) & 0x3f] : '=');
  }
  return out;
}

// RFC 4648 base64 with padding, nothing else allowed (no line breaks).
bool base64_decode(std::string_view in, std::string& out) {
  if (in.empty() || in.size() % 4 != 0) return false;
  int8_t value_of[256];
  std::memset(value_of, -1, sizeof value_of);
  for (int i = 0; i < 64; ++i)
    value_of[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<int8_t>(i);
  const size_t pad = in.ends_with("==") ? 2 : in.ends_with('=') ? 1 : 0;
  out.clear();
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    uint32_t group = 0;
    const bool last = i + 4 == in.size();
    for (size_t k = 0; k < 4; ++k) {
      const bool padding = last && k >= 4 - pad;
      const int8_t v = padding ? 0 : value_of[static_cast<unsigned char>(in[i + k])];
      if (v < 0) return false;
      group = (group << 6) | static_cast<uint32_t>(v);
    }
    const size_t n = last ? 3 - pad : 3;
    for (size_t k = 0; k < n; ++k) out.push_back(static_cast<char>((group >> (16 - 8 * k)) & 0xff));
  }
  return true;
}

}  // namespace

std::string encode_hlog_histogram(const metrics::Histogram& h) {
  int last = -1;
  for (int i = 0; i < metrics::Histogram::kBucketCount; ++i)
    if (h.bucket_count_at(i) > 0) last = i;
  std::string payload;
  for (int i = 0; i <= last;) {
    const int64_t c = h.bucket_count_at(i);
    if (c > 0) {
      put_zigzag(payload, c);
      ++i;
      continue;
    }
    int zeros = 0;
    while (i <= last && h.bucket_count_at(i) <= 0) ++zeros, ++i;
    put_zigzag(payload, zeros > 1 ? -int64_t{zeros} : 0);
  }
  std::string plain;
  plain.reserve(kHeaderBytes + payload.size());
  put_be(plain, kV2Cookie, 4);
  put_be(plain, payload.size(), 4);
  put_be(plain, 0, 4);  // normalizing index offset
  put_be(plain, kSignificantDigits, 4);
  put_be(plain, kLowestDiscernibleNs, 8);
  put_be(plain, kHighestTrackableNs, 8);
  put_be(plain, std::bit_cast<uint64_t>(1.0), 8);  // integer-to-double ratio
  plain += payload;

  uLongf deflated_size = compressBound(plain.size());
  std::string deflated(deflated_size, '\0');
  // A zlib stream (RFC 1950), as java.util.zip.Deflater writes and Inflater reads.
  if (compress2(reinterpret_cast<Bytef*>(deflated.data()), &deflated_size,
                reinterpret_cast<const Bytef*>(plain.data()), plain.size(), Z_BEST_COMPRESSION) != Z_OK)
    throw Error(ErrorClass::kFatal, "zlib could not compress a histogram");
  deflated.resize(deflated_size);
  std::string out;
  put_be(out, kV2CompressedCookie, 4);
  put_be(out, deflated.size(), 4);
  return base64_encode(out + deflated);
}

metrics::Histogram decode_hlog_histogram(const std::string& base64, const std::string& where) {
  auto bad = [&](const std::string& what) { return Error(ErrorClass::kBadInput, where + ": " + what); };
  std::string bytes;
  if (!base64_decode(base64, bytes)) throw bad("the histogram is not valid base64");
  if (bytes.size() < 8) throw bad("the histogram is truncated (" + std::to_string(bytes.size()) + " bytes)");
  const auto cookie = static_cast<uint32_t>(get_be(bytes, 0, 4));
  if ((cookie & kCookieBaseMask) != (kV2CompressedCookie & kCookieBaseMask))
    throw bad(fmt::format("not an HdrHistogram V2 compressed histogram (cookie 0x{:08x})", cookie));
  const uint64_t deflated_size = get_be(bytes, 4, 4);
  if (deflated_size > bytes.size() - 8) throw bad("the compressed histogram is truncated");

  // The largest payload oltap's buckets can hold: every count a full varint.
  std::string plain(kHeaderBytes + kMaxVarintBytes * metrics::Histogram::kBucketCount, '\0');
  uLongf plain_size = plain.size();
  const int rc = uncompress(reinterpret_cast<Bytef*>(plain.data()), &plain_size,
                            reinterpret_cast<const Bytef*>(bytes.data() + 8), deflated_size);
  if (rc == Z_BUF_ERROR && plain_size == plain.size())
    throw bad("the histogram holds more counts than oltap's " +
              std::to_string(metrics::Histogram::kBucketCount) + " buckets");
  if (rc != Z_OK) throw bad(std::string("bad zlib stream in the histogram (") + zError(rc) + ")");
  plain.resize(plain_size);
  if (plain.size() < kHeaderBytes) throw bad("the histogram's header is truncated");
  const auto inner = static_cast<uint32_t>(get_be(plain, 0, 4));
  if ((inner & kCookieBaseMask) != (kV2Cookie & kCookieBaseMask))
    throw bad(
        fmt::format("not an HdrHistogram V2 histogram inside the compression (cookie 0x{:08x})", inner));
  const uint64_t payload_size = get_be(plain, 4, 4);
  const auto offset = static_cast<int32_t>(get_be(plain, 8, 4));
  const auto digits = static_cast<int32_t>(get_be(plain, 12, 4));
  const auto lowest = static_cast<int64_t>(get_be(plain, 16, 8));
  if (payload_size > plain.size() - kHeaderBytes) throw bad("the histogram's counts are truncated");
  if (offset != 0 || digits != kSignificantDigits || lowest != kLowestDiscernibleNs)
    throw bad(
        fmt::format("a histogram of lowest value {}, {} significant digits, index offset {}: oltap "
                    "reads lowest 1, 2 digits, offset 0 (its own buckets)",
                    lowest, digits, offset));

  metrics::Histogram h;
  const std::string_view counts = std::string_view(plain).substr(kHeaderBytes, payload_size);
  size_t pos = 0;
  int64_t index = 0;
  while (pos < counts.size()) {
    int64_t c = 0;
    if (!get_zigzag(counts, pos, c)) throw bad("the histogram's last count is truncated");
    if (c < 0) {
      // A run of -c zero counts; HdrHistogram refuses runs beyond 2^31 - 1.
      if (c < -kMaxZeroRun) throw bad("the histogram has a run of zero counts longer than 2^31 - 1");
      index += -c;
      continue;
    }
    if (c > 0) {
      if (index >= metrics::Histogram::kBucketCount)
        throw bad("the histogram has counts above oltap's highest bucket (values of 2^43 ns and more)");
      h.add_to_bucket(static_cast<int>(index), c);
    }
    ++index;
  }
  return h;
}

}  // namespace oltap::results
