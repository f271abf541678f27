"""Spreadsheet import and export of the registry (stalls, vendors, bank accounts)."""
