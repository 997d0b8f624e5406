class ServiceError(Exception):
    """A business rule refused the action; the message is shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
