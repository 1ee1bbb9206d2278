class DomainError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""


class TransitionError(DomainError):
    """The object is not in a state that allows this action (or someone else got there first)."""
