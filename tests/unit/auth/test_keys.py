import hashlib

from switchboard.auth.keys import display_prefix, generate_key, key_digest, looks_like_key


def test_generated_keys_are_prefixed_long_and_unique() -> None:
    keys = {generate_key() for _ in range(200)}
    assert len(keys) == 200
    for key in keys:
        assert key.startswith("sk-sb-")
        assert len(key) == len("sk-sb-") + 43  # 32 random bytes in base62
        assert looks_like_key(key)


def test_digest_is_sha256_hex_and_prefix_reveals_four_chars() -> None:
    key = generate_key()
    assert key_digest(key) == hashlib.sha256(key.encode()).hexdigest()
    assert display_prefix(key) == key[:10]
    assert key[10:] not in display_prefix(key)


def test_garbage_does_not_look_like_a_key() -> None:
    assert not looks_like_key("sk-sb-short")
    assert not looks_like_key("Bearer sk-sb-" + "a" * 43)
    assert not looks_like_key("sk-sb-" + "'; DROP TABLE api_keys; --" + "a" * 20)
