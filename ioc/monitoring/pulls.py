"""Scheduled pulls of data sources (filled in by the ingestion work)."""
