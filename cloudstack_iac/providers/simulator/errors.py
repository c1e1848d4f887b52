"""How the server refuses a call: the error code, the Java exception's cserrorcode and its text.

Kept apart from the engine so that every handler module can raise the server's own errors without
importing the dispatcher (preconditions-4.18.md, "How an exception becomes an API error").
"""

from __future__ import annotations

# cserrorcode of the Java exception classes (CSExceptionErrorCode)
INVALID_PARAMETER_VALUE = 4350  # InvalidParameterValueException -> 431
CLOUD_RUNTIME = 4250  # CloudRuntimeException -> 530
PERMISSION_DENIED = 4365  # PermissionDeniedException -> 531
SERVER_API = 9999  # ServerApiException thrown by a Cmd or the API layer


class ApiError(Exception):
    """CloudStack refused the call: HTTP status = errorcode; cserrorcode names the Java exception class.

    4350 InvalidParameterValueException (431), 4250 CloudRuntimeException (530), 9999 ServerApiException
    raised by the API layer itself (missing or malformed parameters, unknown commands) or by a Cmd.
    ``job_code`` is the jobresultcode when the same exception ends an asynchronous job: only an
    InvalidParameterValueException keeps 431 there, everything else becomes 530.
    """

    def __init__(self, errorcode: int, errortext: str, cserrorcode: int = INVALID_PARAMETER_VALUE,
                 job_code: int | None = None) -> None:
        super().__init__(f"{errorcode}: {errortext}")
        self.errorcode = errorcode
        self.errortext = errortext
        self.cserrorcode = cserrorcode
        if job_code is None:
            job_code = 431 if cserrorcode == INVALID_PARAMETER_VALUE and errorcode == 431 else 530
        self.job_code = job_code


def invalid(text: str) -> ApiError:
    """An InvalidParameterValueException: 431 / 4350, and 431 in a job."""
    return ApiError(431, text, INVALID_PARAMETER_VALUE)


def illegal(text: str) -> ApiError:
    """An IllegalArgumentException (incl. java.security.InvalidParameterException): 431 / 9999, 530 in a job."""
    return ApiError(431, text, SERVER_API, job_code=530)


def runtime(text: str) -> ApiError:
    """A CloudRuntimeException from a manager: HTTP 530, cserrorcode 4250, the message as the admin sees it."""
    return ApiError(530, text, CLOUD_RUNTIME)


def denied(text: str) -> ApiError:
    """A PermissionDeniedException: 531 / 4365, 530 in a job."""
    return ApiError(531, text, PERMISSION_DENIED, job_code=530)


def server_api(code: int, text: str) -> ApiError:
    """A ServerApiException a Cmd throws itself (its catch-all rewraps): that code, cserrorcode 9999."""
    return ApiError(code, text, SERVER_API, job_code=code)


def invalid_value(command: str, param: str, value: str) -> ApiError:
    """The API layer's answer to a malformed id or number, or an id naming no object (exact 4.18 text)."""
    return ApiError(431, f"Unable to execute API command {command.lower()} due to invalid value. Invalid parameter {param} "
                         f"value={value} due to incorrect long value format, or entity does not exist or due to "
                         f"incorrect parameter annotation for the field in api cmd class.", SERVER_API)
