"""The registry: markets, stalls, vendors, tenancies and bank accounts."""
