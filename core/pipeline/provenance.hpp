// Where each key of a queue's config was set (issue: "findings where the
// data is"). kumo-lint does not follow values through Lua; it matches what
// make_queue_config received against what is written:
//   1. the key in the table constructor of the make_queue_config call
//      itself: that literal (policy);
//   2. a string, integer or boolean value: the same key with the same value
//      in a data file the policy loaded (queues.toml), the section that
//      names most of the queue's domain, tenant and campaign winning (data);
//      else the same key given that literal in the policy's source or the
//      call's file (`['gmail.com'] = { retry_interval = '5 minuts' }`);
//   3. otherwise the make_queue_config call (computed);
// and a key make_queue_config did not receive is KumoMTA's default.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/lua/host.hpp"
#include "core/policy/lua_source.hpp"
#include "core/report/report.hpp"
#include "core/values/queue_name.hpp"

namespace kumo::pipeline {

// The tokens of a file the policy's code was compiled from (empty for
// anything else).
using TokensOf = std::function<const std::vector<policy::Token>&(const std::string& file)>;

class ValueTracer {
 public:
  ValueTracer(const lua::PolicyHost& host, std::string policy_path, TokensOf tokens_of);

  // Where the value of `param` (a key of the table make_queue_config got
  // at `call`) was written, or no origin when nothing literal matches it;
  // `by_queue` when a data file holds the value, where the queue picks the
  // section (another queue given the same table may trace it elsewhere).
  struct Traced {
    std::optional<report::KeyOrigin> origin;
    bool by_queue = false;
  };
  Traced trace(const lua::ParamValue& param, const diag::Location& call, const values::QueueName& queue);

  // One origin per key of a config, in KumoMTA's key order (its text cut
  // as report::cut_policy_text would); null without a config.
  report::Provenance provenance(const lua::Evaluation& ev, const values::QueueName& queue);

  // A finding made at the make_queue_config call about a key whose value
  // came from a literal elsewhere moves to that literal, its message saying
  // which call took it.
  void place_at_origin(diag::Diagnostic& d, const lua::Evaluation& ev, const values::QueueName& queue);

 private:
  // The line of the data-file section holding `value` for `key` that fits
  // the queue best, if one does; `by_queue` when any data file holds it.
  struct DataMatch {
    std::optional<diag::Location> at;
    bool by_queue = false;
  };
  DataMatch in_data_files(const std::string& key, const std::string& value, const values::QueueName& queue);
  std::optional<diag::Location> in_sources(const std::string& key, const std::string& value,
                                           const diag::Location& call);

  // A data-file value that may have set a key.
  struct DataCandidate {
    std::vector<std::string> section;  // its key path without the key
    diag::Location location;
  };
  // Candidates by (key, value), rebuilt when the policy has loaded more data.
  const std::vector<DataCandidate>* data_candidates(const std::string& key, const std::string& value);
  const std::map<std::string, policy::KeyPosition>& call_keys(const diag::Location& call);

  const lua::PolicyHost& m_host;
  std::string m_policy_path;
  TokensOf m_tokens_of;
  std::size_t m_indexed_positions = 0;
  std::map<std::pair<std::string, std::string>, std::vector<DataCandidate>> m_data_index;
  std::map<std::tuple<std::string, std::string, std::string>, std::optional<diag::Location>> m_literal_cache;
  std::map<std::pair<std::string, int>, std::map<std::string, policy::KeyPosition>> m_call_keys;

  // provenance() by the answering call's list of keys (held, so that its
  // address stays its own), for lists traced without the queue.
  struct Memo {
    lua::ParamList params;
    diag::Location call;
    std::size_t files_read = 0;
    report::Provenance origins;
  };
  std::unordered_map<const void*, Memo> m_memo;
};

}  // namespace kumo::pipeline
