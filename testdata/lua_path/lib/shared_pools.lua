-- A module outside the policy's directory, found through --lua-path.
return { pool_for = function(tenant) return tenant == 'vip' and 'pool-vip' or nil end }
