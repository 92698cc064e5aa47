-- wrk script for bench/gateway/run.sh.
--   WRK_PATH    request path (POST)            WRK_BODY  request body (JSON)
--   WRK_HEADER  "name: value" header to send   WRK_RATE  target requests/s (unset or 0 = as fast as possible)
-- With WRK_RATE set, requests are paced on one schedule per wrk thread: each time a connection is free it takes the
-- next send slot (slots are 1/rate apart, jittered); the connection count only caps concurrency. A slot more than
-- 1 s in the past is dropped (counted as "late") so a stall does not turn into a burst. Latency is wrk's own (from
-- the write of the request to the end of the response, microseconds). done() prints one parseable RESULT line.
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

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "RESULT requests=%d seconds=%.2f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.0f "
      .. "err_connect=%d err_read=%d err_write=%d err_status=%d err_timeout=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean, e.connect, e.read, e.write, e.status, e.timeout))
end
