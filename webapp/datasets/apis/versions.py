"""API of dataset versions: list, detail, items (paged, by class and split), and the face images themselves."""

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.datasets import selectors
from webapp.datasets.apis.datasets import DatasetPagination
from webapp.datasets.models import CLASS_NAMES, SPLIT_NAMES
from webapp.datasets.serializers import DatasetItemOutputSerializer, DatasetVersionOutputSerializer
from webapp.datasets.storage import face_path


class DatasetVersionListApi(APIView):
    """The versions of one of your datasets, newest first."""

    @extend_schema(responses=DatasetVersionOutputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        selectors.dataset_get(user=request.user, dataset_id=pk)  # 404 for another team's dataset
        versions = selectors.dataset_version_list(user=request.user, dataset_id=pk)
        return Response(DatasetVersionOutputSerializer(versions, many=True).data)


class DatasetVersionDetailApi(APIView):
    """Version `number` of one of your datasets."""

    @extend_schema(responses=DatasetVersionOutputSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        version = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=number)
        return Response(DatasetVersionOutputSerializer(version).data)


class ItemPagination(DatasetPagination):
    """Items come a gallery page at a time."""

    default_limit = 100
    max_limit = 1000


class DatasetItemListApi(APIView):
    """The faces of one version in (split, name) order, optionally of one class and one split, paged."""

    pagination_class = ItemPagination

    class FilterSerializer(serializers.Serializer):
        label = serializers.ChoiceField(choices=CLASS_NAMES, required=False, help_text="Only this class.")
        split = serializers.ChoiceField(choices=SPLIT_NAMES, required=False, help_text="Only this split.")

    @extend_schema(parameters=[FilterSerializer], responses=DatasetItemOutputSerializer(many=True))
    def get(self, request: Request, pk: int, number: int) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        version = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=number)
        label, split = filters.validated_data.get("label"), filters.validated_data.get("split")
        items = selectors.dataset_item_list(
            version=version,
            label=CLASS_NAMES.index(label) if label else None,
            split=SPLIT_NAMES.index(split) if split else None,
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(DatasetItemOutputSerializer(page, many=True).data)


class FaceImageApi(APIView):
    """One face as a grayscale PNG; images of other teams are 404. Cached for good: the content never changes."""

    @extend_schema(responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY)})
    def get(self, request: Request, pk: int) -> FileResponse:
        image = selectors.face_image_get(user=request.user, image_id=pk)
        path = face_path(image.sha256)
        if not path.is_file():
            raise Http404("The file of this face is missing from MEDIA_ROOT.")
        response = FileResponse(path.open("rb"), content_type="image/png")
        response["Cache-Control"] = "private, max-age=31536000, immutable"
        return response
