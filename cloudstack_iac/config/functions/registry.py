"""Registration and calling of functions: arity, argument kinds and Unknown handling in one place.

Each function declares the kind of each parameter (``string``, ``number``, ``int``, ``bool``,
``list``, ``map``, ``collection``, ``any``; a trailing ``?`` admits null) and receives its arguments
already converted, so bodies neither re-check types nor repeat their own names: the registry
prefixes every message with the function's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cloudstack_iac.config.functions.coerce import FunctionError, coerce
from cloudstack_iac.diags import did_you_mean
from cloudstack_iac.values import Unknown, contains_unknown


@dataclass(frozen=True)
class FunctionContext:
    base_dir: Path  # the module directory, for file()


@dataclass(frozen=True)
class Spec:
    impl: Callable[..., Any]
    kinds: tuple[str, ...]  # one per fixed parameter
    variadic: str | None  # kind of the remaining arguments, None: no more
    max_args: int | None  # None: unlimited
    needs_context: bool = False
    unknown_ok: bool = False  # the function copes with Unknown arguments itself
    # Structural functions (concat, merge, keys, ...) only need their top-level arguments known: an
    # Unknown element inside a list passes through, so concat([zone.id], [pod.id]) keeps its length.
    shallow: bool = False

    @property
    def min_args(self) -> int:
        return len(self.kinds)


REGISTRY: dict[str, Spec] = {}


def function(  # type: ignore[no-untyped-def]
    name: str, *kinds: str, var: str | None = None, max_args: int | None = None, ctx: bool = False,
    unknown_ok: bool = False, shallow: bool = False,
):
    """Register ``impl`` as the language function ``name`` taking arguments of ``kinds``."""

    def register(impl: Callable[..., Any]) -> Callable[..., Any]:
        limit = max_args if var is not None else len(kinds)
        REGISTRY[name] = Spec(impl, kinds, var, limit, ctx, unknown_ok, shallow)
        return impl

    return register


def _arity_error(name: str, spec: Spec, got: int) -> FunctionError:
    if spec.max_args is None:
        expected = f"at least {spec.min_args}"
    elif spec.min_args == spec.max_args:
        expected = str(spec.min_args)
    else:
        expected = f"{spec.min_args} to {spec.max_args}"
    return FunctionError(f"{name}: expected {expected} argument(s), got {got}")


def call_function(name: str, args: list[Any], ctx: FunctionContext) -> Any:
    """Call one library function; bad arguments raise FunctionError, Unknown inputs give Unknown."""
    spec = REGISTRY.get(name)
    if spec is None:
        hint = did_you_mean(name.lower(), REGISTRY, str, cutoff=0.7)
        raise FunctionError(f"unknown function {name}{hint}")
    if len(args) < spec.min_args or (spec.max_args is not None and len(args) > spec.max_args):
        raise _arity_error(name, spec, len(args))
    if spec.shallow:
        if any(isinstance(a, Unknown) for a in args):
            return Unknown()
    elif not spec.unknown_ok and any(contains_unknown(a) for a in args):
        return Unknown()
    try:
        kinds = spec.kinds + (spec.variadic or "any",) * (len(args) - len(spec.kinds))
        converted = [coerce(kind, arg) for kind, arg in zip(kinds, args)]
        return spec.impl(ctx, *converted) if spec.needs_context else spec.impl(*converted)
    except FunctionError as exc:
        raise FunctionError(f"{name}: {exc}") from None
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, ZeroDivisionError) as exc:
        raise FunctionError(f"{name}: {exc}") from None
