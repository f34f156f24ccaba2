-- Shared tenant data, required by multiple_handlers.lua as 'modules.tenants'.
return {
  pools = {
    marketing = 'pool-bulk',
    alerts = 'pool-priority',
  },
  rates = {
    marketing = '2,000/hr',
  },
}
