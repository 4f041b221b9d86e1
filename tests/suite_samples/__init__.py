"""Suite modules the harness's own tests hand to run_suites (not collected as tests here)."""
