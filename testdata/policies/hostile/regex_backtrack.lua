local kumo = require 'kumo'
-- kumo.regex runs on PCRE2, which counts its steps as it goes: neither
-- catastrophic backtracking nor a flood of empty matches can hang kumo-lint.
kumo.on('get_queue_config', function(domain)
  local hay = string.rep('a', 64) .. 'b'
  if domain == 'example.com' then
    -- No look-around or backreference: KumoMTA matches this in linear time,
    -- so kumo-lint says it cannot tell the answer (KQ906).
    kumo.regex.compile('(a+)+$'):is_match(hay)
  elseif domain == 'second.example.com' then
    -- A look-ahead puts KumoMTA on fancy-regex's backtracking VM, whose own
    -- limit fails the search: KumoMTA's error (KQ903).
    kumo.regex.compile('(?=a)(a+)+$'):is_match(hay)
  else
    -- Ten million empty matches: each search is charged (KQ908).
    kumo.regex.compile(''):find_all(string.rep('a', 10000000))
  end
end)
