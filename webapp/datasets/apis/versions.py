"""API of dataset versions: list, detail, the diff of two, items (paged, by class and split), and the face images."""

from typing import Any

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from webapp.api import QueryFilterSerializer
from webapp.datasets import selectors, services
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
    """Version `number` of one of your datasets. DELETE removes it with its label reviews and the faces only it used
    (400, saying why, while a job trained on it, a newer version was made from it, or a review job runs on it)."""

    @extend_schema(responses=DatasetVersionOutputSerializer)
    def get(self, request: Request, pk: int, number: int) -> Response:
        version = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=number)
        return Response(DatasetVersionOutputSerializer(version).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, number: int) -> Response:
        version = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=number)
        services.dataset_version_delete(version=version)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemPagination(DatasetPagination):
    """Items come a gallery page at a time."""

    default_limit = 100
    max_limit = 1000


class DatasetItemListApi(APIView):
    """The faces of one version in (split, name) order, optionally of one class and one split, paged."""

    pagination_class = ItemPagination

    class FilterSerializer(QueryFilterSerializer):
        # ignore[assignment]: `label` shadows a Field attribute in the stubs; DRF moves declared fields off the class.
        label = serializers.ChoiceField(choices=CLASS_NAMES, required=False, help_text="Only this class.")  # type: ignore[assignment]
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


class _FaceChangeSerializer(serializers.Serializer):
    name = serializers.CharField()
    split = serializers.CharField()
    old_label = serializers.CharField(allow_null=True, help_text="Its class in `from`; null when added.")
    new_label = serializers.CharField(allow_null=True, help_text="Its class in `to`; null when removed.")


class DatasetVersionDiffApi(APIView):
    """What changed between two versions of one of your datasets (by face name): faces added, removed, relabelled
    (old → new class), or with other pixels under the same name, and the faces per class on both sides. Each list
    holds at most `limit` faces; its `*_count` is the full number."""

    class FilterSerializer(QueryFilterSerializer):
        to = serializers.IntegerField(min_value=1, max_value=2**31, help_text="Version number to compare to")
        limit = serializers.IntegerField(
            default=500, min_value=0, max_value=5000, help_text="Faces listed per kind of change"
        )

        def get_fields(self) -> dict[str, serializers.Field]:
            # `from` is a Python keyword: the field is added here rather than declared in the class body.
            first = serializers.IntegerField(min_value=1, max_value=2**31, help_text="Version number to compare from")
            return {"from": first, **super().get_fields()}

    class OutputSerializer(serializers.Serializer):
        dataset = serializers.IntegerField(source="base.dataset_id")
        from_version = DatasetVersionOutputSerializer(source="base")
        to_version = DatasetVersionOutputSerializer(source="other")
        class_counts = serializers.SerializerMethodField()
        counts = serializers.SerializerMethodField(help_text="How many faces were added, removed, relabelled, replaced")
        added = serializers.SerializerMethodField()
        removed = serializers.SerializerMethodField()
        relabelled = serializers.SerializerMethodField()
        replaced = serializers.SerializerMethodField()

        def get_class_counts(self, diff: selectors.VersionDiff) -> dict[str, dict[str, int]]:
            return {name: {"from": before, "to": after} for name, before, after, _ in diff.class_counts}

        def get_counts(self, diff: selectors.VersionDiff) -> dict[str, int]:
            changes = {"added": diff.added, "removed": diff.removed, "relabelled": diff.relabelled}
            return {kind: len(faces) for kind, faces in {**changes, "replaced": diff.replaced}.items()}

        def _faces(self, changes: list[selectors.FaceChange]) -> list[dict[str, Any]]:
            return list(_FaceChangeSerializer(changes[: self.context["limit"]], many=True).data)

        @extend_schema_field(_FaceChangeSerializer(many=True))
        def get_added(self, diff: selectors.VersionDiff) -> list[dict[str, Any]]:
            return self._faces(diff.added)

        @extend_schema_field(_FaceChangeSerializer(many=True))
        def get_removed(self, diff: selectors.VersionDiff) -> list[dict[str, Any]]:
            return self._faces(diff.removed)

        @extend_schema_field(_FaceChangeSerializer(many=True))
        def get_relabelled(self, diff: selectors.VersionDiff) -> list[dict[str, Any]]:
            return self._faces(diff.relabelled)

        @extend_schema_field(_FaceChangeSerializer(many=True))
        def get_replaced(self, diff: selectors.VersionDiff) -> list[dict[str, Any]]:
            return self._faces(diff.replaced)

    # Parameters, bounds (versions are numbered from 1) and defaults come from the serializer that checks them.
    @extend_schema(parameters=[FilterSerializer], responses=OutputSerializer)
    def get(self, request: Request, pk: int) -> Response:
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        values = filters.validated_data
        base = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=values["from"])
        other = selectors.dataset_version_get(user=request.user, dataset_id=pk, number=values["to"])
        diff = selectors.dataset_version_diff(base=base, other=other)
        return Response(self.OutputSerializer(diff, context={"limit": values["limit"]}).data)
