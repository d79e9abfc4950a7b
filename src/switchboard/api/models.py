"""ModelsService: the catalog in OpenAI's and OpenRouter's shape."""

from __future__ import annotations

import grpc

from switchboard.api.convert import model_to_proto
from switchboard.api.paging import offset_page
from switchboard.catalog import ModelCatalog
from switchboard.v1 import models_pb2, models_pb2_grpc

PAGE_LIMIT = 100


class ModelsServicer(models_pb2_grpc.ModelsServiceServicer):
    def __init__(self, catalog: ModelCatalog) -> None:
        self._catalog = catalog

    async def ListModels(
        self, request: models_pb2.ListModelsRequest, context: grpc.aio.ServicerContext
    ) -> models_pb2.ListModelsResponse:
        # Everything at once, as OpenAI's /models; pages of PAGE_LIMIT once a page is asked for.
        paged = request.HasField("page")
        page = offset_page(request, default_limit=PAGE_LIMIT if paged else None)
        models = await self._catalog.list_models(request.provider)
        end = len(models) if page.limit is None else page.offset + page.limit
        return models_pb2.ListModelsResponse(
            object="list", data=[model_to_proto(m) for m in models[page.offset : end]]
        )

    async def GetModel(
        self, request: models_pb2.GetModelRequest, context: grpc.aio.ServicerContext
    ) -> models_pb2.Model:
        return model_to_proto(await self._catalog.get(request.id))
