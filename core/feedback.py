"""Turning a service's answer into what the user sees: its errors next to the form's
fields, its success as a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError

from .errors import DomainError


def form_errors_from(form, exc: Exception) -> None:
    """Put a service's validation error next to the fields it names."""
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))


def run_service(request, form, call, success_message: str | None = None):
    """Call a service; on a domain or validation error, show it on the form and return None."""
    try:
        result = call()
    except (DomainError, ValidationError) as exc:
        form_errors_from(form, exc)
        return None
    if success_message:
        messages.success(request, success_message)
    return result
