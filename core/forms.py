from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class AnjuLoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username or mobile phone"),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
