"""The server's commands by resource family: each module exports ``COMMANDS`` (API name -> handler).

A handler takes the store and the checked parameters (real names) and returns the body inside
``<command>response``; it raises ``ApiError`` with the server's code and text. Preconditions sit in
the handler of the command they guard, in the server's order (preconditions-4.18.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cloudstack_iac.providers.simulator.handlers import (
    clusters,
    events,
    hosts,
    networks,
    physical_networks,
    pods,
    ranges,
    regions,
    storage,
    zones,
)
from cloudstack_iac.providers.simulator.store import Store

Handler = Callable[[Store, dict[str, str]], dict[str, Any]]

COMMANDS: dict[str, Handler] = {}
for _module in (zones, physical_networks, pods, ranges, clusters, hosts, storage, regions, networks, events):
    COMMANDS.update(_module.COMMANDS)
