"""Maintenance scripts that generate the harness's shipped data files (run by hand)."""
