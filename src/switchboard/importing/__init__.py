"""Declarative configuration: a switchboard.yaml of providers, models, prices, aliases,
routes, settings and features, validated whole, then applied idempotently."""
