-- wrk script for bench/gateway/run.sh.
--   WRK_PATH    request path (POST)            WRK_BODY  request body (JSON)
--   WRK_HEADER  "name: value" header to send   WRK_RATE  target requests/s (unset or 0 = as fast as possible)
-- With WRK_RATE set, requests are paced on one schedule per wrk thread: each time a connection is free it takes the
-- next send slot (slots are 1/rate apart, jittered); the connection count only caps concurrency. A slot more than
-- 1 s in the past is dropped (counted as "late") so a stall does not turn into a burst. Latency is wrk's own (from
-- the write of the request to the end of the response, microseconds). done() prints one parseable RESULT line.
--   WRK_SETTLE  N > 0 (keypool runs): settle the leases as the gateway does — every N granted leases (the leaseId of
--               each 200 answer) go back in one POST /outcomes batch of SUCCESS entries, sent as the next request;
--               RESULT then also counts the batches (settles=), so leases = requests − settles.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } gp_timespec;
int clock_gettime(int clk, gp_timespec *tp);
]]
local ts = ffi.new("gp_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

wrk.method = "POST"
wrk.path = os.getenv("WRK_PATH") or "/"
wrk.body = os.getenv("WRK_BODY") or "{}"
wrk.headers["Content-Type"] = "application/json"
local h = os.getenv("WRK_HEADER")
if h and h ~= "" then
  local name, value = h:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end

local rate = tonumber(os.getenv("WRK_RATE") or "0") or 0
local threads = tonumber(os.getenv("WRK_THREADS") or "1") or 1
local gap = 0
local next_slot = nil
late = 0

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
  if rate > 0 then gap = 1000.0 * threads / rate end
end

if rate > 0 then
  function delay()
    local now = now_ms()
    if next_slot == nil or next_slot < now - 1000 then
      if next_slot ~= nil then late = late + 1 end
      next_slot = now
    end
    local slot = next_slot
    next_slot = next_slot + gap * (0.5 + math.random())   -- mean gap, +-50 % jitter
    local d = slot - now
    if d < 0 then return 0 end
    return math.floor(d + 0.5)
  end
end

local settle_every = tonumber(os.getenv("WRK_SETTLE") or "0") or 0
settles = 0
local granted = {}
if settle_every > 0 then
  function response(status, headers, body)
    if status == 200 and body then
      local id = body:match('"leaseId":"([^"]+)"')
      if id then granted[#granted + 1] = id end
    end
  end
  function request()
    if #granted >= settle_every then
      local parts = {}
      for i = 1, #granted do
        parts[i] = '{"leaseId":"' .. granted[i] .. '","outcome":{"outcome":"SUCCESS","promptTokens":8,"completionTokens":8}}'
      end
      granted = {}
      settles = settles + 1
      return wrk.format("POST", "/outcomes", nil, '{"outcomes":[' .. table.concat(parts, ",") .. ']}')
    end
    return wrk.format(nil, nil, nil, nil)
  end
end

local threads_seen = {}
function setup(thread)
  threads_seen[#threads_seen + 1] = thread
end

function done(summary, latency, requests)
  local batches = 0
  for _, t in ipairs(threads_seen) do batches = batches + (tonumber(t:get("settles")) or 0) end
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d settles=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout,
    batches))
end
