#!/usr/bin/env python3
"""Evaluates every query of the Grafana dashboard against a running Prometheus, as Grafana would
($service = all, $__rate_interval = 1m), and lists how many series each returns; exits 1 when
Prometheus refuses a query. Standard library only. See README.md, "Observability".

usage: configs/observability/check-dashboard.py http://127.0.0.1:9090 \
           configs/observability/grafana/dashboards/whatsapp.json
"""
import json, sys, urllib.parse, urllib.request

prometheus, dashboard = sys.argv[1], sys.argv[2]
panels = json.load(open(dashboard))["panels"]
errors = empty = 0
for panel in panels:
    for target in panel.get("targets", []):
        expr = target["expr"].replace("$service", ".*").replace("$__rate_interval", "1m")
        url = prometheus + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
        try:
            answer = json.load(urllib.request.urlopen(url, timeout=10))
        except Exception as e:  # a PromQL error is a 400 with a JSON body
            body = getattr(e, "read", lambda: b"")().decode()
            print(f"ERROR  {panel['title']}: {expr}: {e} {body}")
            errors += 1
            continue
        result = answer["data"]["result"]
        values = [r["value"][1] for r in result]
        if not result:
            empty += 1
        print(f"{len(result):4d} series  {panel['title']}  {values[:4]}")
print(f"{errors} error(s), {empty} query(ies) without series")
sys.exit(1 if errors else 0)
