"""Hierarchical settings (global -> organization -> feature -> key -> request) and features."""
