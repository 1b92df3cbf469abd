// A run's stages resolved for its groups (see plan.h): who runs in each
// stage and at what rate, and the rate each transaction is asked for (its
// group's rate split by the mix's weights).
#include <algorithm>
#include <cmath>

#include "plan.h"

namespace oltap::run {

namespace {

// The lowest rate run: one transaction every 1,000 s (a lower one's first
// would be due past any run's end, and its gaps past the clock's range).
constexpr double kMinRate = 0.001;

}  // namespace

void plan_stages(Plan& plan, const Options& o) {
  for (const auto& [name, rate] : o.group_rate) {
    bool known = false;
    for (const GroupPlan& g : plan.groups) known = known || g.name == name;
    if (!known) throw Error(ErrorClass::kBadInput, "--group-rate: the workload has no group '" + name + "'");
    if (!(rate >= kMinRate) || !std::isfinite(rate))
      throw Error(ErrorClass::kBadInput, "--group-rate " + name + ": the rate must be at least 0.001 tx/s");
  }
  std::vector<Stage> stages = o.stages;
  if (stages.empty()) stages.push_back({o.transactions > 0 ? 0 : o.duration_s, o.rate, 0});
  const size_t n = plan.groups.size();
  std::vector<int> most(n, 0);
  plan.stages.clear();
  plan.open_loop = false;
  for (const Stage& st : stages) {
    if ((st.rate != 0 && st.rate < kMinRate) || !std::isfinite(st.rate))
      throw Error(ErrorClass::kBadInput, "a rate must be at least 0.001 tx/s");
    StagePlan sp;
    sp.duration_s = st.duration_s;
    int sharing = 0;  // active clients of the groups without a rate of their own
    for (const GroupPlan& g : plan.groups) {
      sp.clients.push_back(st.clients > 0 ? st.clients : g.clients);
      if (!o.group_rate.count(g.name)) sharing += sp.clients.back();
    }
    for (size_t gi = 0; gi < n; ++gi) {
      const GroupPlan& g = plan.groups[gi];
      most[gi] = std::max(most[gi], sp.clients[gi]);
      auto own = o.group_rate.find(g.name);
      const double rate = own != o.group_rate.end()    ? own->second
                          : st.rate > 0 && sharing > 0 ? st.rate * sp.clients[gi] / sharing
                                                       : 0;
      sp.rate.push_back(rate);
      plan.open_loop = plan.open_loop || rate > 0;
      const double total = g.cumulative.back();
      for (size_t k = 0; k < g.txns.size(); ++k) {
        const double weight = g.cumulative[k] - (k == 0 ? 0 : g.cumulative[k - 1]);
        sp.offered.push_back(total > 0 ? rate * weight / total : 0);
      }
      sp.offered.push_back(0);  // the group's ALL row
    }
    plan.stages.push_back(std::move(sp));
  }
  for (size_t gi = 0; gi < n; ++gi) plan.groups[gi].clients = most[gi];
  plan_shard(plan, o.shard);
}

ShardRange shard_range(int clients, Options::Shard s) noexcept {
  auto at = [&](int i) { return static_cast<int>(static_cast<int64_t>(clients) * i / s.count); };
  return {at(s.index), at(s.index + 1) - at(s.index)};
}

void plan_shard(Plan& plan, Options::Shard shard) {
  if (shard.count < 1 || shard.index < 0 || shard.index >= shard.count)
    throw Error(ErrorClass::kBadInput, "--shard " + std::to_string(shard.index) + "/" +
                                           std::to_string(shard.count) + ": i must be within [0, N)");
  for (GroupPlan& g : plan.groups) {
    const ShardRange r = shard_range(g.clients, shard);
    g.shard_first = r.first;
    g.shard_clients = r.count;
  }
  for (StagePlan& sp : plan.stages) {
    sp.shard_clients.clear();
    sp.shard_rate.clear();
    size_t row = 0;  // the group's first row in offered
    for (size_t gi = 0; gi < plan.groups.size(); ++gi) {
      const GroupPlan& g = plan.groups[gi];
      const int active = sp.clients[gi];
      // Of the stage's active clients (in-group numbers [0, active)), the shard's.
      const int mine = std::max(0, std::min(g.shard_first + g.shard_clients, active) - g.shard_first);
      const double share = active > 0 ? static_cast<double>(mine) / active : 0;
      sp.shard_clients.push_back(mine);
      sp.shard_rate.push_back(sp.rate[gi] * share);
      for (size_t k = 0; k < g.txns.size(); ++k) sp.offered[row + k] *= share;
      row += g.txns.size() + 1;  // its ALL row
    }
  }
}

}  // namespace oltap::run
