"""API of datasets and their imports: list, upload (a new dataset, or a new version of one), detail, import status.

Uploads are multipart (`file` plus fields). They are checked before anything is stored: a bad archive is a 400
that says why, an oversized one a 413. The import itself runs on a worker: follow it at
`/api/datasets/imports/<id>/` or live at `/ws/dataset-imports/<id>/`.
"""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.accounts import selectors as account_selectors
from webapp.accounts.requests import SignedInRequest
from webapp.api import IdField
from webapp.datasets import selectors, services
from webapp.datasets.models import DESCRIPTION_MAX_LENGTH
from webapp.datasets.serializers import DatasetImportOutputSerializer, DatasetOutputSerializer, dataset_import_payload
from webapp.pagination import StrictLimitOffsetPagination
from webapp.system.uploads import upload_size_check

_TOO_LARGE = OpenApiResponse(description="The upload is over STUDIO_MAX_UPLOAD_MB: `{detail}` says by how much.")
_IMAGE_SIZE_HELP = "Side of the stored square grayscale faces; FER2013's native 48 keeps its pixels exact."


class DatasetPagination(StrictLimitOffsetPagination):
    """`?limit=&offset=` paging with a count, for lists that can grow long."""

    default_limit = 50
    max_limit = 500


class _UploadApi(APIView):
    """Checks the declared body size before DRF authenticates, because session CSRF checks parse the body."""

    parser_classes = (MultiPartParser, FormParser)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        upload_size_check(request._request)
        super().initial(request, *args, **kwargs)


class DatasetListApi(APIView):
    """The datasets of your teams, newest first, each with its versions and latest import."""

    pagination_class = DatasetPagination

    @extend_schema(responses=DatasetOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.dataset_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(DatasetOutputSerializer(page, many=True).data)


class DatasetUploadApi(_UploadApi):
    """Upload a FER2013 CSV, or a zip/tar of emotion folders or RAF-DB, as a new dataset; its import is queued."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField(max_length=100)
        file = serializers.FileField(help_text=".csv, .zip, .tar, .tar.gz, .tar.bz2 or .tar.xz")
        description = serializers.CharField(
            required=False, default="", allow_blank=True, max_length=DESCRIPTION_MAX_LENGTH
        )
        team = IdField(required=False, help_text="One of your teams; default: your current one.")
        image_size = serializers.IntegerField(min_value=16, max_value=256, default=48, help_text=_IMAGE_SIZE_HELP)

    @extend_schema(
        operation_id="datasets_upload",
        request={"multipart/form-data": InputSerializer},
        responses={201: DatasetImportOutputSerializer, 413: _TOO_LARGE},
    )
    def post(self, request: SignedInRequest) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        team = account_selectors.team_choose(user=request.user, team_id=data.get("team"))
        dataset_import = services.dataset_upload_create(
            team=team, user=request.user, name=data["name"], upload=data["file"],
            image_size=data["image_size"], description=data["description"],
        )  # fmt: skip
        return Response(dataset_import_payload(dataset_import), status=status.HTTP_201_CREATED)


class DatasetVersionUploadApi(_UploadApi):
    """Upload a file as the next version of one of your datasets; its import is queued."""

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(help_text=".csv, .zip, .tar, .tar.gz, .tar.bz2 or .tar.xz")
        image_size = serializers.IntegerField(min_value=16, max_value=256, default=48, help_text=_IMAGE_SIZE_HELP)

    @extend_schema(
        operation_id="datasets_version_upload",
        request={"multipart/form-data": InputSerializer},
        responses={201: DatasetImportOutputSerializer, 413: _TOO_LARGE},
    )
    def post(self, request: SignedInRequest, pk: int) -> Response:
        dataset = selectors.dataset_get(user=request.user, dataset_id=pk)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dataset_import = services.dataset_import_create(
            dataset=dataset, user=request.user, upload=data["file"], image_size=data["image_size"]
        )
        return Response(dataset_import_payload(dataset_import), status=status.HTTP_201_CREATED)


class DatasetDetailApi(APIView):
    """One dataset of your teams; another team's is a 404. DELETE removes it with its versions, imports, uploads and
    the faces only it used (400, saying why, while a job trained on it or an import or review job runs)."""

    @extend_schema(responses=DatasetOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        dataset = selectors.dataset_get(user=request.user, dataset_id=pk)
        return Response(DatasetOutputSerializer(dataset).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        services.dataset_delete(dataset=selectors.dataset_get(user=request.user, dataset_id=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)


class DatasetImportListApi(APIView):
    """The imports of one of your datasets, newest first."""

    @extend_schema(responses=DatasetImportOutputSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        dataset = selectors.dataset_get(user=request.user, dataset_id=pk)
        return Response([dataset_import_payload(item) for item in selectors.dataset_import_list(dataset=dataset)])


class DatasetImportRetryApi(APIView):
    """Queue a new import of a failed import's stored upload; 400 when it did not fail or the file is gone."""

    @extend_schema(request=None, responses={201: DatasetImportOutputSerializer})
    def post(self, request: SignedInRequest, pk: int) -> Response:
        dataset_import = selectors.dataset_import_get(user=request.user, import_id=pk)
        retry = services.dataset_import_retry(dataset_import=dataset_import, user=request.user)
        return Response(dataset_import_payload(retry), status=status.HTTP_201_CREATED)


class DatasetImportDetailApi(APIView):
    """One import: status, progress, message, errors and skipped files. Live: `/ws/dataset-imports/<id>/`."""

    @extend_schema(responses=DatasetImportOutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(dataset_import_payload(selectors.dataset_import_get(user=request.user, import_id=pk)))
