"""Export-only django-import-export resource of jobs.

Jobs are records of what ran and are never imported; the jobs admin streams
its own CSV (``generations/export.py``). This resource gives the same rows in
JSON, XLSX or YAML to code that wants a ``tablib.Dataset``.
"""

from import_export import fields, resources

from generations.export import COLUMNS
from generations.models import Job
from ourvidz_admin.import_widgets import IsoDateTimeWidget, JSONCellWidget

_TIMES = {"created_at", "rated_at", "started_at", "completed_at"}


class JobResource(resources.ModelResource):
    """Jobs with the columns of the streaming CSV export, plus tags and lineage as JSON."""

    tags = fields.Field(attribute="tags", column_name="tags", widget=JSONCellWidget(), readonly=True)
    lineage = fields.Field(attribute="lineage", column_name="lineage", widget=JSONCellWidget(), readonly=True)

    class Meta:
        model = Job
        fields = (*COLUMNS, "tags", "lineage")
        export_order = fields
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for name in _TIMES:
            self.fields[name].widget = IsoDateTimeWidget()

    def import_data(self, *args, **kwargs):
        raise NotImplementedError("Jobs are export-only.")

    def get_queryset(self):
        return Job.objects.select_related("user", "rated_by")
