"""Routes: strategies that order a route's targets, observed latency, dry-run reasons."""
