"""Guest networks: the shared network of Basic and Advanced security-group zones (createNetwork,
listNetworks, deleteNetwork) and the network offerings it is made from (listNetworkOfferings)."""

from __future__ import annotations

COMMANDS: dict = {}
