// Parameter distributions and the random stream they draw from. Factories
// check their arguments and throw Error(kBadInput); draw() runs on the hot
// path, so it neither throws nor allocates once the output text has grown.
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "workload/workload.h"

namespace oltap::workload {

namespace {

// splitmix64's increment: the golden ratio in 64 bits.
constexpr uint64_t kGolden = 0x9e3779b97f4a7c15ULL;
// Scales the top 53 bits of a draw into [0, 1).
constexpr double kTwoToMinus53 = 0x1.0p-53;
// Below this magnitude log1p(x)/x and expm1(x)/x lose precision to
// cancellation, so their Taylor series are used instead.
constexpr double kSeriesThreshold = 1e-8;

// splitmix64's output function: a bijective 64-bit mix.
uint64_t mix64(uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

// log1p(x) / x, continuous at 0.
double log1p_over_x(double x) noexcept {
  if (std::abs(x) > kSeriesThreshold) return std::log1p(x) / x;
  return 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

// expm1(x) / x, continuous at 0.
double expm1_over_x(double x) noexcept {
  if (std::abs(x) > kSeriesThreshold) return std::expm1(x) / x;
  return 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x));
}

[[noreturn]] void bad_input(const std::string& message) { throw Error(ErrorClass::kBadInput, message); }

// Copies v into out reusing out's text buffer (assignment, not construction).
void copy_value(const Value& v, Value& out) noexcept {
  out.kind = v.kind;
  out.i = v.i;
  out.d = v.d;
  if (v.kind == Value::Kind::kText) out.s.assign(v.s);
}

}  // namespace

// ---------------------------------------------------------------- Rng

Rng::Rng(uint64_t seed) noexcept {
  // splitmix64 spreads any seed, 0 included, into a state that is never all zero.
  for (uint64_t& word : s_) {
    seed += kGolden;
    word = mix64(seed);
  }
}

uint64_t Rng::next() noexcept {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::next_double() noexcept { return static_cast<double>(next() >> 11) * kTwoToMinus53; }

int64_t Rng::uniform(int64_t lo, int64_t hi) noexcept {
  if (lo >= hi) return lo;
  // Unsigned arithmetic: hi - lo can exceed INT64_MAX; 0 means all 2^64 values.
  const uint64_t range = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo) + 1;
  if (range == 0) return static_cast<int64_t>(next());
  // Lemire, "Fast random integer generation in an interval" (2019): the high
  // word of x * range is uniform once the low word is kept out of the
  // 2^64 mod range values that would otherwise map one extra x to an output.
  unsigned __int128 m = static_cast<unsigned __int128>(next()) * range;
  auto low = static_cast<uint64_t>(m);
  if (low < range) {
    const uint64_t threshold = (0 - range) % range;  // 2^64 mod range
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next()) * range;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<int64_t>(static_cast<uint64_t>(lo) + static_cast<uint64_t>(m >> 64));
}

double negative_exponential(Rng& rng, double mean, double max) noexcept {
  // 1 - [0, 1) is (0, 1]: never log(0).
  const double r = 1.0 - rng.next_double();
  return std::min(-std::log(r) * mean, max);
}

uint64_t derive_seed(uint64_t seed, uint64_t a, uint64_t b) noexcept {
  // Each step is a bijection of its input, so for a fixed seed and b distinct
  // a give distinct seeds (and likewise for b); the mixes keep nearby inputs
  // (client 1, client 2) from giving correlated streams.
  uint64_t h = mix64(seed + kGolden);
  h = mix64(h ^ mix64(a + 2 * kGolden));
  h = mix64(h ^ mix64(b + 3 * kGolden));
  return h;
}

// ---------------------------------------------------------------- factories

Distribution Distribution::constant(Value v) {
  Distribution d;
  d.kind_ = Kind::kConst;
  d.const_ = std::move(v);
  return d;
}

Distribution Distribution::uniform(int64_t lo, int64_t hi) {
  if (lo > hi)
    bad_input("uniform: lower bound " + std::to_string(lo) + " is above upper bound " + std::to_string(hi));
  Distribution d;
  d.kind_ = Kind::kUniform;
  d.lo_ = lo;
  d.hi_ = hi;
  return d;
}

Distribution Distribution::uniform_real(double lo, double hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi) || !std::isfinite(hi - lo))
    bad_input("uniform_real: bounds must be finite numbers");
  if (lo > hi)
    bad_input("uniform_real: lower bound " + std::to_string(lo) + " is above upper bound " +
              std::to_string(hi));
  Distribution d;
  d.kind_ = Kind::kUniformReal;
  d.dlo_ = lo;
  d.dhi_ = hi;
  return d;
}

// Rejection-inversion (Hörmann & Derflinger 1996). With h(x) = x^-theta and H
// an antiderivative of h, a point u uniform over (H(1.5) - 1, H(n + 0.5)] is
// inverted to x = H^-1(u) and rounded to k. The area under h over
// [k - 0.5, k + 0.5] is at least h(k) because h is convex, so accepting when
// u >= H(k + 0.5) - h(k) leaves exactly mass h(k) for k >= 2; k = 1 owns
// (H(1.5) - 1, H(1.5)], mass 1 = h(1). The shortcut k - x <= s_ accepts
// without evaluating H where the squeeze is known to hold.
Distribution Distribution::zipfian(int64_t lo, int64_t hi, double theta) {
  if (lo > hi)
    bad_input("zipfian: lower bound " + std::to_string(lo) + " is above upper bound " + std::to_string(hi));
  if (!(theta > 0) || !std::isfinite(theta))
    bad_input("zipfian: theta must be a positive number, got " + std::to_string(theta));
  Distribution d;
  d.kind_ = Kind::kZipfian;
  d.lo_ = lo;
  d.hi_ = hi;
  d.theta_ = theta;
  // n can be 2^64 for the full range; a double holds it closely enough.
  const double n = static_cast<double>(static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo)) + 1.0;
  d.h_x1_ = d.zipf_h(1.5) - 1.0;
  d.h_n_ = d.zipf_h(n + 0.5);
  d.s_ = 2.0 - d.zipf_h_inv(d.zipf_h(2.5) - std::pow(2.0, -theta));
  return d;
}

Distribution Distribution::syllables(const Distribution& number, std::vector<std::string> syllables,
                                     int digits) {
  if (syllables.size() != 10)
    bad_input("syllables: needs ten syllables, one per digit, got " + std::to_string(syllables.size()));
  if (digits < 1 || digits > 18)
    bad_input("syllables: digits must be 1 to 18, got " + std::to_string(digits));
  Distribution d;
  d.kind_ = Kind::kSyllables;
  d.inner_.push_back(number);
  d.syllables_ = std::move(syllables);
  d.min_len_ = digits;
  return d;
}

void Distribution::spell(int64_t n, Value& out) const noexcept {
  if (n < 0) n = -n;
  // Digits from the most significant; the text is rebuilt in place.
  int64_t scale = 1;
  for (int i = 1; i < min_len_; ++i) scale *= 10;
  out.kind = Value::Kind::kText;
  out.s.clear();
  for (int64_t p = scale; p > 0; p /= 10) out.s += syllables_[static_cast<size_t>((n / p) % 10)];
}

Distribution Distribution::scrambled_zipfian(int64_t lo, int64_t hi, double theta) {
  Distribution d = zipfian(lo, hi, theta);
  d.scrambled_ = true;
  return d;
}

Distribution Distribution::latest(int64_t lo, int64_t seq_start, int64_t seq_step, double theta) {
  if (seq_start <= lo)
    bad_input("latest: the sequence must start above the lowest value " + std::to_string(lo));
  if (seq_step != 1) bad_input("latest: the sequence it follows must have step 1");
  Distribution d = zipfian(1, 2, theta);  // the constants that do not depend on n
  d.kind_ = Kind::kLatest;
  d.lo_ = lo;
  d.hi_ = seq_start - 1;  // the newest value before the sequence hands out any
  d.a_ = seq_step;
  return d;
}

int64_t nurand_load_constant(int64_t a) noexcept {
  Rng rng(derive_seed(0x4c4f4144ULL, static_cast<uint64_t>(a)));
  return a <= 0 ? 0 : rng.uniform(0, a);
}

int64_t nurand_run_constant(uint64_t seed, int64_t a) noexcept {
  Rng rng(derive_seed(seed, 0x4e55'5241'4e44ULL, static_cast<uint64_t>(a)));
  if (a != 255) return a <= 0 ? 0 : rng.uniform(0, a);
  int64_t delta;
  do delta = rng.uniform(65, 119);
  while (delta == 96 || delta == 112);
  int64_t load = nurand_load_constant(a);
  return load + delta <= a ? load + delta : load - delta;
}

Distribution Distribution::nurand(int64_t a, int64_t lo, int64_t hi, int64_t c) {
  if (a < 0) bad_input("nurand: A must be non-negative, got " + std::to_string(a));
  if (lo > hi)
    bad_input("nurand: lower bound " + std::to_string(lo) + " is above upper bound " + std::to_string(hi));
  if (c < 0) bad_input("nurand: run constant C must be non-negative, got " + std::to_string(c));
  Distribution d;
  d.kind_ = Kind::kNURand;
  d.a_ = a;
  d.c_ = c;
  d.lo_ = lo;
  d.hi_ = hi;
  return d;
}

Distribution Distribution::sequence(int64_t start, int64_t step) {
  // A zero step would hand every client the same value.
  if (step == 0) bad_input("sequence: step must not be 0");
  Distribution d;
  d.kind_ = Kind::kSequence;
  d.lo_ = start;
  d.hi_ = std::numeric_limits<int64_t>::max();
  d.a_ = step;
  return d;
}

Distribution Distribution::random_string(int min_len, int max_len, std::string charset) {
  if (min_len < 0) bad_input("string: minimum length must be non-negative, got " + std::to_string(min_len));
  if (min_len > max_len)
    bad_input("string: minimum length " + std::to_string(min_len) + " is above maximum length " +
              std::to_string(max_len));
  if (charset.empty()) bad_input("string: the character set is empty");
  Distribution d;
  d.kind_ = Kind::kString;
  d.min_len_ = min_len;
  d.max_len_ = max_len;
  d.charset_ = std::move(charset);
  return d;
}

void Distribution::set_string_extras(std::vector<TextEmbed> embeds, std::string suffix) {
  double total = 0;
  for (const auto& e : embeds) {
    if (e.text.empty()) bad_input("embed: the text must not be empty");
    if (static_cast<size_t>(min_len_) < e.text.size())
      bad_input("embed '" + e.text + "' is longer than the shortest string (" + std::to_string(min_len_) +
                ")");
    if (!(e.share >= 0 && e.share <= 1)) bad_input("embed: the share must be within [0, 1]");
    total += e.share;
  }
  if (total > 1) bad_input("embed: the shares add up to more than 1");
  embeds_ = std::move(embeds);
  suffix_ = std::move(suffix);
}

Distribution Distribution::pseudo_text(int min_len, int max_len) {
  if (min_len < 0) bad_input("text: minimum length must be non-negative, got " + std::to_string(min_len));
  if (min_len > max_len)
    bad_input("text: minimum length " + std::to_string(min_len) + " is above maximum length " +
              std::to_string(max_len));
  if (static_cast<size_t>(max_len) > pseudo_text_pool().size() / 2)
    bad_input("text: maximum length " + std::to_string(max_len) + " is too long for the text pool");
  Distribution d;
  d.kind_ = Kind::kText;
  d.min_len_ = min_len;
  d.max_len_ = max_len;
  return d;
}

Distribution Distribution::sample(std::vector<Value> options, int count, std::string separator) {
  if (options.empty()) bad_input("sample: no options given");
  if (count < 1 || count > kMaxSample)
    bad_input("sample: count must be 1 to " + std::to_string(kMaxSample) + ", got " + std::to_string(count));
  if (static_cast<size_t>(count) > options.size())
    bad_input("sample: count " + std::to_string(count) + " is more than the " +
              std::to_string(options.size()) + " options");
  Distribution d;
  d.kind_ = Kind::kSample;
  d.min_len_ = count;
  for (const auto& o : options) d.texts_.push_back(o.to_string());
  d.separator_ = std::move(separator);
  return d;
}

Distribution Distribution::choice(std::vector<Value> options, std::vector<double> weights) {
  if (options.empty()) bad_input("choice: no options given");
  // No weights at all means every option is equally likely.
  if (weights.empty()) weights.assign(options.size(), 1.0);
  if (weights.size() != options.size())
    bad_input("choice: " + std::to_string(options.size()) + " options but " + std::to_string(weights.size()) +
              " weights");
  Distribution d;
  d.kind_ = Kind::kChoice;
  double total = 0;
  d.cumulative_.reserve(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!(weights[i] >= 0) || !std::isfinite(weights[i]))
      bad_input("choice: weight " + std::to_string(i + 1) + " must be a non-negative number, got " +
                std::to_string(weights[i]));
    total += weights[i];
    d.cumulative_.push_back(total);
  }
  if (!(total > 0)) bad_input("choice: all weights are zero");
  if (!std::isfinite(total)) bad_input("choice: the weights add up to more than a double holds");
  d.options_ = std::move(options);
  return d;
}

void Distribution::add_extras(Rng& rng, Value& out) const noexcept {
  if (!embeds_.empty()) {
    // One draw decides which embed, if any: their shares are disjoint slices of [0, 1).
    double r = rng.next_double();
    for (const auto& e : embeds_) {
      if (r < e.share) {
        const auto at =
            static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(out.s.size() - e.text.size())));
        out.s.replace(at, e.text.size(), e.text);
        break;
      }
      r -= e.share;
    }
  }
  if (!suffix_.empty()) out.s += suffix_;
}

// ---------------------------------------------------------------- zipfian helpers

namespace {
// FNV-1a over the 8 bytes of v, the hash YCSB scrambles its zipfian with.
uint64_t fnv1a64(uint64_t v) noexcept {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (int i = 0; i < 8; ++i) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 0x100000001b3ULL;
  }
  return h;
}
}  // namespace

// H(x) = (x^(1-theta) - 1) / (1 - theta), which tends to log(x) as theta -> 1;
// written through expm1 so theta = 1 and theta near 1 need no special case.
double Distribution::zipf_h(double x) const noexcept {
  const double log_x = std::log(x);
  return expm1_over_x((1.0 - theta_) * log_x) * log_x;
}

double Distribution::zipf_h_inv(double x) const noexcept {
  double t = x * (1.0 - theta_);
  // Rounding can push t just below -1, where log1p is undefined; H^-1 of that
  // edge is x = 0 anyway.
  if (t < -1.0) t = -1.0;
  return std::exp(log1p_over_x(t) * x);
}

uint64_t Distribution::zipf_rank(Rng& rng, double n, double h_n) const noexcept {
  for (;;) {
    const double u = h_n + rng.next_double() * (h_x1_ - h_n);
    const double x = zipf_h_inv(u);
    double k = std::floor(x + 0.5);
    if (k < 1) k = 1;
    if (k > n) k = n;
    if (k - x <= s_ || u >= zipf_h(k + 0.5) - std::exp(-theta_ * std::log(k))) {
      // k <= n <= 2^64; the last step to n can round up to 2^64 itself.
      return k >= 0x1.0p64 ? std::numeric_limits<uint64_t>::max() : static_cast<uint64_t>(k) - 1;
    }
  }
}

// ---------------------------------------------------------------- draw

void Distribution::draw(Rng& rng, SequenceCursor& seq, Value& out) const noexcept {
  if (!distinct_) return draw_once(rng, seq, out);
  // Redraw a value already handed out in this transaction. The attempts are
  // bounded so a range smaller than the draws degrades to repeats, not a hang.
  constexpr int kMaxAttempts = 1000;
  for (int attempt = 0;; ++attempt) {
    draw_once(rng, seq, out);
    bool repeat = false;
    for (int i = 0; i < seq.drawn_count && !repeat; ++i) repeat = seq.drawn[i] == out.i;
    if (!repeat || attempt == kMaxAttempts) break;
  }
  if (seq.drawn_count < SequenceCursor::kDistinctMemory) seq.drawn[seq.drawn_count++] = out.i;
}

void Distribution::draw_once(Rng& rng, SequenceCursor& seq, Value& out) const noexcept {
  switch (kind_) {
    case Kind::kConst:
      copy_value(const_, out);
      return;
    case Kind::kUniform:
      out.set_int(rng.uniform(lo_, hi_));
      return;
    case Kind::kUniformReal: {
      double v = dlo_ + rng.next_double() * (dhi_ - dlo_);
      // Rounding can land on hi; keep the half-open promise when the range allows.
      if (v >= dhi_ && dhi_ > dlo_) v = std::nextafter(dhi_, dlo_);
      out.set_double(v);
      return;
    }
    case Kind::kZipfian: {
      const uint64_t span = static_cast<uint64_t>(hi_) - static_cast<uint64_t>(lo_);
      uint64_t offset = zipf_rank(rng, static_cast<double>(span) + 1.0, h_n_);
      if (scrambled_) offset = span == UINT64_MAX ? fnv1a64(offset) : fnv1a64(offset) % (span + 1);
      out.set_int(static_cast<int64_t>(static_cast<uint64_t>(lo_) + offset));
      return;
    }
    case Kind::kLatest: {
      // The newest value this client's view of the sequence has reached.
      const int64_t newest = hi_ + (std::max<int64_t>(seq.next - seq.stride, 0)) * a_;
      const int64_t count = newest - lo_ + 1;
      if (count <= 1) {
        out.set_int(lo_);
        return;
      }
      const double n = static_cast<double>(count);
      out.set_int(newest - static_cast<int64_t>(zipf_rank(rng, n, zipf_h(n + 0.5))));
      return;
    }
    case Kind::kNURand: {
      // TPC-C clause 2.1.6: (((random(0, A) | random(x, y)) + C) % (y - x + 1)) + x.
      const uint64_t range = static_cast<uint64_t>(hi_) - static_cast<uint64_t>(lo_) + 1;
      const uint64_t mixed =
          (static_cast<uint64_t>(rng.uniform(0, a_)) | static_cast<uint64_t>(rng.uniform(lo_, hi_))) +
          static_cast<uint64_t>(c_);
      const uint64_t offset = range == 0 ? mixed : mixed % range;
      out.set_int(static_cast<int64_t>(static_cast<uint64_t>(lo_) + offset));
      return;
    }
    case Kind::kSequence: {
      // Wrapping arithmetic: a sequence run past INT64_MAX wraps rather than being UB.
      const uint64_t v =
          static_cast<uint64_t>(lo_) + static_cast<uint64_t>(seq.next) * static_cast<uint64_t>(a_);
      out.set_int(static_cast<int64_t>(v));
      seq.next += seq.stride;
      return;
    }
    case Kind::kString: {
      const auto len = static_cast<size_t>(rng.uniform(min_len_, max_len_));
      const auto last = static_cast<int64_t>(charset_.size()) - 1;
      out.kind = Value::Kind::kText;
      out.s.resize(len);  // within capacity once grown: no allocation
      // Several characters per 64-bit draw: `bits` bits each, values past the
      // charset rejected, so every character stays exactly uniform.
      const int bits = 64 - __builtin_clzll(static_cast<unsigned long long>(last | 1));
      const uint64_t mask = (uint64_t{1} << bits) - 1;
      uint64_t word = 0;
      int left = 0;
      for (char& ch : out.s) {
        for (;;) {
          if (left < bits) {
            word = rng.next();
            left = 64;
          }
          const uint64_t x = word & mask;
          word >>= bits;
          left -= bits;
          if (x <= static_cast<uint64_t>(last)) {
            ch = charset_[static_cast<size_t>(x)];
            break;
          }
        }
      }
      add_extras(rng, out);
      return;
    }
    case Kind::kText: {
      const std::string& pool = pseudo_text_pool();
      const auto len = static_cast<size_t>(rng.uniform(min_len_, max_len_));
      const auto at = static_cast<size_t>(rng.uniform(0, static_cast<int64_t>(pool.size() - len)));
      out.kind = Value::Kind::kText;
      out.s.assign(pool, at, len);
      add_extras(rng, out);
      return;
    }
    case Kind::kSample: {
      // Rejection against the few already picked: count is small.
      const auto n = static_cast<int64_t>(texts_.size());
      int64_t picked[kMaxSample];
      out.kind = Value::Kind::kText;
      out.s.clear();
      for (int k = 0; k < min_len_; ++k) {
        int64_t x;
        bool seen;
        do {
          x = rng.uniform(0, n - 1);
          seen = false;
          for (int j = 0; j < k; ++j) seen = seen || picked[j] == x;
        } while (seen);
        picked[k] = x;
        if (k > 0) out.s += separator_;
        out.s += texts_[static_cast<size_t>(x)];
      }
      return;
    }
    case Kind::kSyllables: {
      Value number;
      inner_[0].draw(rng, seq, number);
      spell(number.as_int(), out);
      return;
    }
    case Kind::kChoice: {
      const double total = cumulative_.back();
      const double r = rng.next_double() * total;
      auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), r);
      // r * total can round up to total; the last option of positive weight
      // is then the one whose running sum first reaches it.
      if (it == cumulative_.end()) it = std::lower_bound(cumulative_.begin(), cumulative_.end(), total);
      copy_value(options_[static_cast<size_t>(it - cumulative_.begin())], out);
      return;
    }
  }
}

}  // namespace oltap::workload
