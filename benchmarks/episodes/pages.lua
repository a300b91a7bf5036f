-- wrk script for ceiling.py: each request is one signed-in officer's page.
--
--   wrk -t2 -c50 -d30s -s pages.lua http://127.0.0.1:PORT -- TARGETS THINK MARKER
--
-- TARGETS is a file of lines "cookie<TAB>path" (a session cookie, empty for none, and the path
-- to ask for); each request takes a line at random. THINK is "1" for a pause of 1 to 3 seconds
-- before each request (wrk starts the latency clock after it). MARKER, when given, must appear
-- in a 200 answer for it to count as the page; anything else is counted as bad. The summary is
-- one JSON line.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  targets = {}
  for line in io.lines(args[1]) do
    local cookie, path = line:match("^([^\t]*)\t(.+)$")
    if path then
      table.insert(targets, { cookie = cookie, path = path })
    end
  end
  think = args[2] == "1"
  marker = args[3]
  if marker == "" then
    marker = nil
  end
  bad = 0
  math.randomseed(os.time() + id * 7919)
end

function request()
  local target = targets[math.random(#targets)]
  local headers = {}
  if target.cookie ~= "" then
    headers["Cookie"] = "harbour_session=" .. target.cookie
  end
  return wrk.format("GET", target.path, headers)
end

function delay()
  if think then
    return math.random(1000, 3000)
  end
  return 0
end

function response(status, headers, body)
  if status ~= 200 or (marker and not body:find(marker, 1, true)) then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, thread in ipairs(threads) do
    total_bad = total_bad + thread:get("bad")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "bad": %d, "socket_errors": %d, "timeouts": %d, '
      .. '"p50_ms": %.2f, "p90_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, '
      .. '"mean_ms": %.2f}\n',
    summary.requests, summary.duration / 1e6, total_bad, e.connect + e.read + e.write,
    e.timeout, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    latency.mean / 1e3
  ))
end
