"""Imports of the field's tables (CSV, XLSX): all rows or none, every bad row named."""
