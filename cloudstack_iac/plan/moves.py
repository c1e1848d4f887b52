"""``moved`` blocks: rename state entries before anything is compared, so a renamed address is an
object kept, not one deleted and another created."""

from __future__ import annotations

from cloudstack_iac.diags import Diagnostics, error
from cloudstack_iac.model import Configuration
from cloudstack_iac.state.document import StateDocument


def matches(address: str, pattern: str) -> bool:
    """``pattern`` names this address, an instance of it (``a.b[0]``) or something inside it (a module)."""
    return address == pattern or address.startswith(pattern + "[") or address.startswith(pattern + ".")


def apply_moves(config: Configuration, state: StateDocument, diags: Diagnostics) -> list[tuple[str, str]]:
    """Rename state entries as ``moved`` blocks say. Returns the (old, new) renames carried out."""
    done: list[tuple[str, str]] = []
    for move in config.moved:
        hits = [a for a in state.resources if matches(a, move.from_address)]
        for old in hits:
            new = move.to_address + old[len(move.from_address):]
            if new in state.resources:
                diags.append(error(f"moved: cannot move {old} to {new}: {new} is already in state", subject=move.source))
                continue
            resource = state.resources.pop(old)
            resource.address = new
            state.resources[new] = resource
            done.append((old, new))
    if done:
        renamed = dict(done)
        for r in state.resources.values():
            r.dependencies = [renamed.get(d, d) for d in r.dependencies]
            if r.parent in renamed:
                r.parent = renamed[r.parent]
    return done
