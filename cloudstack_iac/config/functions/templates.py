"""templatefile and templatestring: render a template with only the given variables in scope.

The template is parsed and evaluated by the configuration language itself (imported when called,
because the evaluator in turn calls these functions).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cloudstack_iac.config.functions.coerce import FunctionError
from cloudstack_iac.config.functions.filesystem import read_bytes
from cloudstack_iac.config.functions.registry import FunctionContext, function

_SENTINEL = "\u0001"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")


def render(ctx: FunctionContext, template: str, variables: dict[str, Any], origin: str) -> Any:
    from cloudstack_iac.config.expressions import EvalError, Evaluator
    from cloudstack_iac.config.parser import parse_expression

    for name in variables:
        if not _NAME.match(name):
            raise FunctionError(f"invalid template variable name {name!r}: must start with a letter")
    marker = "TEMPLATE_END"
    while marker in template:
        marker += "_"
    # The heredoc needs a newline before its marker; a sentinel keeps strip markers (~) from eating it.
    expr, diags = parse_expression(f"<<{marker}\n{template}{_SENTINEL}\n{marker}\n", origin)
    if expr is None:
        problem = next((d.summary for d in diags if d.severity == "error"), "syntax error") if diags else "syntax error"
        raise FunctionError(f"{origin}: {problem}")

    def no_refs(trav: Any, ev: Any) -> tuple[Any, int]:
        raise EvalError(f"vars map does not contain key {trav.name!r}", trav.pos)

    try:
        result = Evaluator(no_refs, ctx, dict(variables)).eval(expr)
    except EvalError as exc:
        raise FunctionError(f"{origin}: {exc.message}") from None
    return result.removesuffix(_SENTINEL + "\n") if isinstance(result, str) else result


@function("templatefile", "string", "map", ctx=True)
def templatefile(ctx: FunctionContext, path: str, variables: dict[str, Any]) -> Any:
    try:
        text = read_bytes(ctx, path).decode("utf-8")
    except UnicodeDecodeError:
        raise FunctionError(f"{path!r} is not valid UTF-8") from None
    return render(FunctionContext(ctx.base_dir), text, variables, Path(path).name)


@function("templatestring", "string", "map", ctx=True)
def templatestring(ctx: FunctionContext, template: str, variables: dict[str, Any]) -> Any:
    return render(ctx, template, variables, "template")
