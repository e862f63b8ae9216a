"""URLs under /api/datasets/, included into the `api` namespace by webapp/api_urls.py."""

from django.urls import path

from webapp.datasets.apis import datasets, versions

urlpatterns = [
    path("", datasets.DatasetListApi.as_view(), name="dataset_list"),
    path("upload/", datasets.DatasetUploadApi.as_view(), name="dataset_upload"),
    path("imports/<id:pk>/", datasets.DatasetImportDetailApi.as_view(), name="dataset_import_detail"),
    path("imports/<id:pk>/retry/", datasets.DatasetImportRetryApi.as_view(), name="dataset_import_retry"),
    path("images/<id:pk>/", versions.FaceImageApi.as_view(), name="dataset_image"),
    path("<id:pk>/", datasets.DatasetDetailApi.as_view(), name="dataset_detail"),
    path("<id:pk>/upload/", datasets.DatasetVersionUploadApi.as_view(), name="dataset_version_upload"),
    path("<id:pk>/imports/", datasets.DatasetImportListApi.as_view(), name="dataset_import_list"),
    path("<id:pk>/versions/", versions.DatasetVersionListApi.as_view(), name="dataset_version_list"),
    path("<id:pk>/versions/diff/", versions.DatasetVersionDiffApi.as_view(), name="dataset_version_diff"),
    path("<id:pk>/versions/<id:number>/", versions.DatasetVersionDetailApi.as_view(), name="dataset_version_detail"),
    path("<id:pk>/versions/<id:number>/items/", versions.DatasetItemListApi.as_view(), name="dataset_item_list"),
]
