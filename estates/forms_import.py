from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import ImportKind
from .imports import parsing
from .models import Estate


class ImportUploadForm(forms.Form):
    """What the file holds and the file itself. The file is checked here (size, and by its
    content: CSV text or an XLSX workbook) so that the error shows next to the field."""

    estate = forms.ModelChoiceField(
        label=_("Estate"), queryset=Estate.objects.none(), empty_label=None
    )
    kind = forms.ChoiceField(label=_("The file contains"), choices=ImportKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file (UTF-8 or GB18030) or an Excel workbook (.xlsx) whose first row holds "
            "the column names, in Chinese or English. Download a template below."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,"
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, estates=None, **kwargs):
        """estates: the estates to choose from, or None when the current estate is fixed."""
        super().__init__(*args, **kwargs)
        if estates is None:
            del self.fields["estate"]
        else:
            self.fields["estate"].queryset = estates

    def clean_file(self):
        upload = self.cleaned_data["file"]
        parsing.check_file(upload)  # raises ValidationError: shown next to the field
        return upload
