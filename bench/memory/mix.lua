-- wrk script for bench/memory/run.sh: cycles through the requests of WRK_REQUESTS (lines "name|METHOD|path|body"),
-- authenticated with the client token WRK_TOKEN. WRK_RATE paces roughly: each connection waits connections/rate
-- seconds before its next request, so the total stays at or below WRK_RATE requests/s. done() prints one RESULT line.
local requests = {}
local index = 0

function init(args)
  local token = os.getenv("WRK_TOKEN") or ""
  for line in io.lines(os.getenv("WRK_REQUESTS")) do
    local name, method, path, body = line:match("^([^|]*)|([^|]*)|([^|]*)|(.*)$")
    if name then
      local headers = { ["x-goog-api-key"] = token }
      if body ~= "" then headers["Content-Type"] = "application/json" else body = nil end
      table.insert(requests, wrk.format(method, path, headers, body))
    end
  end
  index = math.random(#requests)
end

function request()
  index = index % #requests + 1
  return requests[index]
end

function delay()
  local rate = tonumber(os.getenv("WRK_RATE") or "0") or 0
  local conns = tonumber(os.getenv("WRK_CONNS") or "1") or 1
  if rate <= 0 then return 0 end
  return math.floor(1000 * conns / rate)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.1f rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f err_connect=%d err_read=%d "
      .. "err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect, e.read, e.write, e.status, e.timeout))
end
