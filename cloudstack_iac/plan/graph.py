"""One topological order for the planner (resources) and for steps: Kahn's algorithm with a priority
heap for stable, reviewable ties, and a real cycle named when there is one (never an arbitrary order)."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping
from typing import Any


class CycleError(ValueError):
    """The graph has a cycle; ``cycle`` lists its nodes in order (the first one repeated at the end)."""

    def __init__(self, cycle: list[str]) -> None:
        self.cycle = cycle
        super().__init__(" -> ".join(cycle))


def topological(nodes: Iterable[str], depends_on: Mapping[str, Iterable[str]],
                priority: Callable[[str], Any] = lambda n: n) -> list[str]:
    """Every node after all the nodes it depends on (dependencies outside ``nodes`` are ignored);
    among the nodes ready at once, the one with the lowest ``priority`` first. Raises CycleError."""
    members = list(nodes)
    known = set(members)
    incoming = dict.fromkeys(members, 0)
    dependents: dict[str, list[str]] = {n: [] for n in members}
    for node in members:
        for dep in set(depends_on.get(node, ())):
            if dep in known and dep != node:
                incoming[node] += 1
                dependents[dep].append(node)
    ready = [(priority(n), n) for n in members if incoming[n] == 0]
    heapq.heapify(ready)
    out: list[str] = []
    while ready:
        _, node = heapq.heappop(ready)
        out.append(node)
        for nxt in dependents[node]:
            incoming[nxt] -= 1
            if incoming[nxt] == 0:
                heapq.heappush(ready, (priority(nxt), nxt))
    if len(out) != len(members):
        raise CycleError(find_cycle({n for n, k in incoming.items() if k > 0}, depends_on))
    return out


def find_cycle(stuck: set[str], depends_on: Mapping[str, Iterable[str]]) -> list[str]:
    """A cycle among ``stuck`` nodes (each of which waits for another stuck node)."""
    start = min(stuck)
    path: list[str] = []
    position: dict[str, int] = {}
    node = start
    while node not in position:
        position[node] = len(path)
        path.append(node)
        node = min(d for d in depends_on.get(node, ()) if d in stuck and d != node)
    cycle = path[position[node]:]
    cycle.reverse()  # dependencies first: "a -> b" reads "a must happen before b"
    return [*cycle, cycle[0]]
