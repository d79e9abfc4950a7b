"""API keys, principals and permissions."""
