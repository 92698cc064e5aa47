#!/usr/bin/env python3
"""Time to the first streamed byte, sequentially, on one keep-alive connection (bounded in count and time).

ttfb.py <base-url> <path> <header: value> <body> [count]
Prints: RESULT n=<ok> p50_us=<> p90_us=<> p99_us=<> errors=<>
The time runs from the request write to the first byte of the body (the first SSE event), then the rest of the
stream is read to the end so the connection can be reused.
"""
import http.client
import sys
import time
import urllib.parse

base, path, header, body = sys.argv[1:5]
count = int(sys.argv[5]) if len(sys.argv) > 5 else 300
url = urllib.parse.urlparse(base)
name, value = header.split(":", 1)
headers = {name.strip(): value.strip(), "Content-Type": "application/json"}
data = body.encode()
deadline = time.monotonic() + 120
samples, errors = [], 0
conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
for i in range(count):
    if time.monotonic() > deadline:
        break
    try:
        t0 = time.perf_counter_ns()
        conn.request("POST", path, body=data, headers=headers)
        resp = conn.getresponse()
        first = resp.read1(1) if hasattr(resp, "read1") else resp.read(1)
        t1 = time.perf_counter_ns()
        resp.read()
        if resp.status != 200 or not first:
            errors += 1
            continue
        if i >= 20:  # the first requests warm the path
            samples.append((t1 - t0) // 1000)
    except Exception:
        errors += 1
        conn.close()
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
samples.sort()
def pct(p):
    return samples[min(len(samples) - 1, int(len(samples) * p))] if samples else 0
print(f"RESULT n={len(samples)} p50_us={pct(0.5)} p90_us={pct(0.9)} p99_us={pct(0.99)} errors={errors}")
