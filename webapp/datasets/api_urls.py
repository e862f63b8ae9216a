"""URLs under /api/datasets/, included into the `api` namespace by webapp/api_urls.py."""

from django.urls import path

from webapp.datasets.apis import datasets, versions

urlpatterns = [
    path("", datasets.DatasetListApi.as_view(), name="dataset_list"),
    path("upload/", datasets.DatasetUploadApi.as_view(), name="dataset_upload"),
    path("imports/<int:pk>/", datasets.DatasetImportDetailApi.as_view(), name="dataset_import_detail"),
    path("imports/<int:pk>/retry/", datasets.DatasetImportRetryApi.as_view(), name="dataset_import_retry"),
    path("images/<int:pk>/", versions.FaceImageApi.as_view(), name="dataset_image"),
    path("<int:pk>/", datasets.DatasetDetailApi.as_view(), name="dataset_detail"),
    path("<int:pk>/upload/", datasets.DatasetVersionUploadApi.as_view(), name="dataset_version_upload"),
    path("<int:pk>/imports/", datasets.DatasetImportListApi.as_view(), name="dataset_import_list"),
    path("<int:pk>/versions/", versions.DatasetVersionListApi.as_view(), name="dataset_version_list"),
    path("<int:pk>/versions/diff/", versions.DatasetVersionDiffApi.as_view(), name="dataset_version_diff"),
    path("<int:pk>/versions/<int:number>/", versions.DatasetVersionDetailApi.as_view(), name="dataset_version_detail"),
    path("<int:pk>/versions/<int:number>/items/", versions.DatasetItemListApi.as_view(), name="dataset_item_list"),
]
