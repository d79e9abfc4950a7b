"""Secrets at rest: provider credentials encrypted with the master key."""
