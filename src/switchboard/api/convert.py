"""Domain -> proto conversions shared by servicers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.protobuf import json_format, struct_pb2
from google.protobuf.timestamp_pb2 import Timestamp

from switchboard.domain.catalog import ModelInfo
from switchboard.money import pico_to_usd
from switchboard.v1 import models_pb2


def timestamp(moment: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(moment)
    return stamp


def json_value(value: Any) -> struct_pb2.Value:
    """Any JSON value as a google.protobuf.Value."""
    return json_format.ParseDict(value, struct_pb2.Value())


def modality(info: ModelInfo) -> str:
    return "+".join(info.input_modalities) + "->" + "+".join(info.output_modalities)


def model_to_proto(info: ModelInfo) -> models_pb2.Model:
    pricing = models_pb2.ModelPricing(
        prompt=pico_to_usd(info.input_price),
        completion=pico_to_usd(info.output_price),
        request="0",
    )
    if info.cached_input_price is not None:
        pricing.input_cache_read = pico_to_usd(info.cached_input_price)
    return models_pb2.Model(
        id=info.id,
        object="model",
        created=info.created,
        owned_by=info.provider,
        name=info.id,
        description=info.description,
        context_length=info.context_length,
        pricing=pricing,
        architecture=models_pb2.ModelArchitecture(
            modality=modality(info),
            input_modalities=list(info.input_modalities),
            output_modalities=list(info.output_modalities),
        ),
    )
