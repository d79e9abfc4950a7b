"""Local fake upstreams speaking real provider wire formats, and database seeding helpers."""
