"""Date and time functions on RFC 3339 timestamps, as Terraform writes them (UTC, ``Z``)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

from cloudstack_iac.config.functions.coerce import FunctionError
from cloudstack_iac.config.functions.registry import function

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:(Z)|([+-])(\d{2}):(\d{2}))\Z")


def parse_timestamp(text: str) -> tuple[datetime, int]:
    """An RFC 3339 timestamp; returns the time and its nanoseconds (Python keeps microseconds)."""
    m = _RFC3339.match(text)
    if m is None:
        raise FunctionError(f"{text!r} is not a valid RFC 3339 timestamp (such as 2006-01-02T15:04:05Z)")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    fraction, zulu, sign, oh, om = m.groups()[6:]
    offset = timedelta(0) if zulu else timedelta(hours=int(oh), minutes=int(om)) * (1 if sign == "+" else -1)
    nanos = int((fraction or ".0")[1:10].ljust(9, "0"))
    try:
        moment = datetime(year, month, day, hour, minute, second, nanos // 1000, tzinfo=timezone(offset))
    except ValueError as exc:
        raise FunctionError(f"{text!r} is not a valid timestamp: {exc}") from None
    return moment, nanos


def format_rfc3339(moment: datetime, nanos: int = 0) -> str:
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if nanos:
        text += "." + f"{nanos:09d}".rstrip("0")
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{text}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


@function("timestamp")
def timestamp() -> str:
    """The current time, so a value using it changes on every run, as in Terraform."""
    return format_rfc3339(datetime.now(UTC).replace(microsecond=0))


_PLAN_TIME = datetime.now(UTC).replace(microsecond=0)


@function("plantimestamp")
def plantimestamp() -> str:
    """One time for the whole run (the process), so every use within a plan agrees."""
    return format_rfc3339(_PLAN_TIME)


_DURATION = re.compile(r"([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+\Z")
_UNIT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_NANOS = {"ns": 1, "us": 1000, "µs": 1000, "μs": 1000, "ms": 10**6, "s": 10**9, "m": 60 * 10**9, "h": 3600 * 10**9}


def _duration_nanos(text: str) -> int:
    if text in ("0", "+0", "-0"):
        return 0
    m = _DURATION.match(text)
    if m is None:
        raise FunctionError(f"{text!r} is not a valid duration (such as 1h30m, -10s)")
    total = sum(Decimal(n) * _NANOS[u] for n, u in _UNIT.findall(text))
    return int(-total if m.group(1) == "-" else total)


@function("timeadd", "string", "string")
def timeadd(stamp: str, duration: str) -> str:
    moment, nanos = parse_timestamp(stamp)
    seconds = (_duration_nanos(duration) + nanos) // 10**9
    return format_rfc3339(moment.replace(microsecond=0) + timedelta(seconds=seconds))  # RFC 3339, whole seconds


@function("timecmp", "string", "string")
def timecmp(a: str, b: str) -> int:
    ta, na = parse_timestamp(a)
    tb, nb = parse_timestamp(b)
    left = (ta.replace(microsecond=0), na)
    right = (tb.replace(microsecond=0), nb)
    return (left > right) - (left < right)


_FORMAT_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+|'")  # a run of one letter is one verb
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@function("formatdate", "string", "string")
def formatdate(spec: str, stamp: str) -> str:
    moment, _ = parse_timestamp(stamp)
    offset = int((moment.utcoffset() or timedelta(0)).total_seconds()) // 60
    sign = "+" if offset >= 0 else "-"
    oh, om = divmod(abs(offset), 60)
    hour12 = moment.hour % 12 or 12
    values = {
        "YYYY": f"{moment.year:04d}", "YY": f"{moment.year % 100:02d}", "MMMM": _MONTHS[moment.month - 1],
        "MMM": _MONTHS[moment.month - 1][:3], "MM": f"{moment.month:02d}", "M": str(moment.month),
        "DD": f"{moment.day:02d}", "D": str(moment.day), "EEEE": _DAYS[moment.weekday()],
        "EEE": _DAYS[moment.weekday()][:3], "hh": f"{moment.hour:02d}", "h": str(moment.hour),
        "HH": f"{hour12:02d}", "H": str(hour12), "mm": f"{moment.minute:02d}", "m": str(moment.minute),
        "ss": f"{moment.second:02d}", "s": str(moment.second), "AA": "AM" if moment.hour < 12 else "PM",
        "aa": "am" if moment.hour < 12 else "pm",
        "ZZZZZ": "Z" if offset == 0 else f"{sign}{oh:02d}:{om:02d}", "ZZZZ": f"{sign}{oh:02d}{om:02d}",
        "ZZZ": "UTC" if offset == 0 else f"{sign}{oh:02d}{om:02d}", "Z": "Z" if offset == 0 else f"{sign}{oh:02d}{om:02d}",
    }
    out = []
    for token in (m.group(0) for m in _FORMAT_TOKEN.finditer(spec)):
        if token.startswith("'"):
            if len(token) < 2 or not token.endswith("'"):
                raise FunctionError("unterminated literal in the format string")
            out.append(token[1:-1].replace("''", "'"))
        elif token[0].isalpha():
            if token not in values:
                raise FunctionError(f"invalid date format verb {token!r}")
            out.append(values[token])
        else:
            out.append(token)
    return "".join(out)
