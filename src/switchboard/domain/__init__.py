"""Provider-neutral data: the hub format between the API layer and provider adapters."""
