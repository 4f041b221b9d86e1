"""The public register of certificates: a signed, hash-chained log and a static site.

log (entries, chain, head) -> state (status of each certificate) -> folder (the register
on disk: add, suspend, unsuspend, revoke) -> site (the published static site) ; lookup
answers `conformance verify --register` from a folder or a published site.
"""
