"""The request log: durable asynchronous writing, and (issue #6) queries over it."""
