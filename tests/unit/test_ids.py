import uuid

from switchboard.ids import random_hex, random_uuid


def test_random_uuid_is_a_version_4_rfc_4122_uuid_in_canonical_text() -> None:
    for _ in range(1000):
        text = random_uuid()
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122


def test_random_hex_is_the_same_uuid_without_dashes() -> None:
    digits = random_hex()
    assert len(digits) == 32
    assert uuid.UUID(hex=digits).hex == digits
    assert uuid.UUID(hex=digits).version == 4


def test_ids_do_not_repeat() -> None:
    assert len({random_uuid() for _ in range(10_000)}) == 10_000
