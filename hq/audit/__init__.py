"""The auditor's export: fixed CSV tables, keys, a signed manifest, a standalone verifier."""
