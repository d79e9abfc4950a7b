"""Embeddings: OpenAI's `/embeddings` request, routed and priced like chat."""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from typing import Any

from switchboard.errors import InvalidRequest

ENCODINGS = frozenset({"float", "base64"})
MAX_INPUTS = 2048


@dataclass(frozen=True)
class EmbeddingCall:
    model: str
    inputs: tuple[str, ...]
    encoding_format: str
    dimensions: int | None
    user: str | None


def _inputs(value: Any) -> tuple[str, ...]:
    if isinstance(value, str) and value:
        return (value,)
    if isinstance(value, list) and value and all(isinstance(v, str) and v for v in value):
        if len(value) > MAX_INPUTS:
            raise InvalidRequest(f"at most {MAX_INPUTS} inputs per request", param="input")
        return tuple(value)
    raise InvalidRequest(
        "'input' must be a non-empty string or array of non-empty strings "
        "(token arrays are not supported)",
        param="input",
    )


def parse_embedding(body: dict[str, Any]) -> EmbeddingCall:
    model = body.get("model")
    if not isinstance(model, str) or not model:
        raise InvalidRequest("'model' is required", param="model")
    encoding = body.get("encoding_format") or "float"
    if encoding not in ENCODINGS:
        raise InvalidRequest(
            "'encoding_format' must be 'float' or 'base64'", param="encoding_format"
        )
    dimensions = body.get("dimensions")
    if dimensions is not None and (not isinstance(dimensions, int) or dimensions < 1):
        raise InvalidRequest("'dimensions' must be a positive integer", param="dimensions")
    user = body.get("user")
    return EmbeddingCall(
        model,
        _inputs(body.get("input")),
        encoding,
        dimensions,
        user if isinstance(user, str) else None,
    )


def encode_vector(vector: list[float], encoding: str) -> list[float] | str:
    """OpenAI's base64 form: little-endian float32, base64-encoded."""
    if encoding == "float":
        return vector
    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
