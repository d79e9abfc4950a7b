"""The gRPC edge: servicers (proto <-> domain), the interceptor and the one error path."""
