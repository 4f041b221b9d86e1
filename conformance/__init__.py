"""Version of the harness, recorded in every run result."""
__version__ = "0.1.0"
