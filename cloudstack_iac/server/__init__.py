"""``csiac simulator serve``: the simulator behind a real socket, speaking CloudStack's HTTP API."""
