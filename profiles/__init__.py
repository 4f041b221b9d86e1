"""Conformance profiles: YAML data files only (installed as ``conformance.builtin_profiles``)."""
