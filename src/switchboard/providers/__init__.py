"""Provider adapters: pure translators plus a thin transport, one package per provider."""
