-- baselined_findings.lua with a format_version 2 baseline: the findings of
-- an earlier run in its results (baselined_findings_v2.baseline.json) are
-- baselined as a format_version 1 file's are; the new one fails the run.
local kumo = require 'kumo'

kumo.on('get_queue_config', function(domain, tenant, campaign, routing_domain)
  if domain == 'yahoo.com' then
    -- New since the baseline: a typo'd key.
    return kumo.make_queue_config { max_retry_interval = '1h', egress_pol = 'pool-1' }
  end
  -- Known: KumoMTA's default retry settings (KQ203), for every other queue.
  return kumo.make_queue_config {}
end)
