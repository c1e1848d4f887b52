"""Events, the API catalogue and capabilities: what the server says about itself and its history."""

from __future__ import annotations

from typing import Any

from cloudstack_iac.providers.simulator.apis import catalogue
from cloudstack_iac.providers.simulator.store import Store


def list_events(st: Store, p: dict[str, str]) -> dict[str, Any]:
    where, args = [], []
    for column in ("resourceid", "type", "id"):
        if p.get(column):
            where.append(f"{column}=?")
            args.append(p[column])
    sql = " FROM events" + (" WHERE " + " AND ".join(where) if where else "")
    total = st.conn().execute("SELECT count(*)" + sql, args).fetchone()[0]
    if not total:
        return {}
    limit = ""
    if p.get("page") or p.get("pagesize"):
        size, page = int(p.get("pagesize") or 500), max(1, int(p.get("page") or 1))
        limit = f" LIMIT {size} OFFSET {(page - 1) * size}" if size > 0 else ""
    rows = st.conn().execute("SELECT id, type, description, resourceid, resourcetype, username, created" + sql
                                + " ORDER BY seq" + limit, args).fetchall()
    return {"count": total, "event": [{"id": r[0], "type": r[1], "description": r[2], "resourceid": r[3], "resourcetype": r[4],
                                       "username": r[5], "account": r[5], "domain": "ROOT", "created": r[6], "level": "INFO",
                                       "state": "Completed"} for r in rows]}


def list_apis(st: Store, p: dict[str, str]) -> dict[str, Any]:
    apis = [{"name": n, "isasync": s["async"],
             "params": [{"name": k, "required": spec["required"], "type": spec["type"]} for k, spec in s["params"].items()],
             "response": [{"name": field} for field in s["response"]]}
            for n, s in catalogue().items() if not p.get("name") or n.lower() == p["name"].lower()]
    return {"count": len(apis), "api": apis}


def list_capabilities(st: Store, p: dict[str, str]) -> dict[str, Any]:
    return {"capability": {"cloudstackversion": "4.18.0.0-simulator", "apilimitinterval": 1, "apilimitmax": 0,
                           "securitygroupsenabled": False, "allowusercreateprojects": True}}


COMMANDS = {"listEvents": list_events, "listApis": list_apis, "listCapabilities": list_capabilities}
