"""The chat domain core shared by the REST facade and the typed gRPC service."""
