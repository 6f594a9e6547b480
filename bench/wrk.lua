-- One wrk script for every row of bench/load.py, set up through the environment:
--   BENCH_METHOD    GET (default) or POST
--   BENCH_HEADERS   extra headers, one "Name: value" a line (cookie, X-Forwarded-Proto, ...)
--   BENCH_BODY      the request body; "{client_id}" becomes a new UUID in every request and
--                   "{occurred_at}" a moment in the last BENCH_SPREAD_DAYS days (default 1095)
--   BENCH_TOKENS    API tokens, comma-separated, sent in turn as "Authorization: Token ..."
--   BENCH_EXPECT    the statuses that count as success, comma-separated (default 200)
-- At the end it prints one line, "BENCH_RESULT {json}", that bench/load.py reads.
--
-- wrk's own summary counts a 3xx as a success; here only the expected statuses do, so a
-- session that ran out (a redirect to the sign-in page) or a missing X-Forwarded-Proto (a
-- redirect to https) shows up as errors instead of as fast pages.

local function split(text, separator)
  local items = {}
  for item in string.gmatch(text or "", "[^" .. separator .. "]+") do
    item = item:gsub("^%s+", ""):gsub("%s+$", "")
    if item ~= "" then
      items[#items + 1] = item
    end
  end
  return items
end

wrk.method = os.getenv("BENCH_METHOD") or "GET"
for _, line in ipairs(split(os.getenv("BENCH_HEADERS"), "\n")) do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  wrk.headers[name] = value
end
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then
  wrk.body = body
end
local tokens = split(os.getenv("BENCH_TOKENS"), ",")
local spread_seconds = (tonumber(os.getenv("BENCH_SPREAD_DAYS")) or 1095) * 86400
local expected = {}
for _, code in ipairs(split(os.getenv("BENCH_EXPECT") or "200", ",")) do
  expected[tonumber(code)] = true
end

-- Per thread (each wrk thread runs its own copy of this script).
statuses = {}
local thread_number, counter, prefix, started = 0, 0, 0, 0

local threads = {}

function setup(thread)
  thread:set("bench_thread", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  thread_number = tonumber(bench_thread) or 0
  started = os.time()
  math.randomseed(started + thread_number * 7919)
  prefix = math.random(0, 0x7fffffff)
end

local function unique_id()
  -- Unique within a thread by the counter, between threads by the thread's number, and
  -- between runs by the random prefix; version 4, variant 10 as a UUID parser expects.
  counter = counter + 1
  return string.format(
    "%08x-%04x-4%03x-%04x-%012x",
    prefix, thread_number, math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff), counter
  )
end

-- Only when a request must differ from the last one: otherwise wrk builds the request once
-- and sends the same bytes, which is cheaper for the shared CPU.
if (body and (body:find("{client_id}", 1, true) or body:find("{occurred_at}", 1, true)))
  or #tokens > 0 then
  function request()
    local headers = wrk.headers
    if #tokens > 0 then
      headers["Authorization"] = "Token " .. tokens[(counter + thread_number) % #tokens + 1]
    end
    local this_body = body
    if this_body then
      this_body = this_body:gsub("{client_id}", unique_id())
      local moment = started - math.random(60, spread_seconds)
      this_body = this_body:gsub("{occurred_at}", os.date("!%Y-%m-%dT%H:%M:%SZ", moment))
    else
      counter = counter + 1
    end
    return wrk.format(nil, nil, headers, this_body)
  end
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local counts = {}
  local unexpected = 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      counts[status] = (counts[status] or 0) + count
      if not expected[status] then
        unexpected = unexpected + count
      end
    end
  end
  local parts = {}
  for status, count in pairs(counts) do
    parts[#parts + 1] = string.format('"%d": %d', status, count)
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
      .. '"unexpected": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, '
      .. '"statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    unexpected, errors.connect, errors.read, errors.write, errors.timeout,
    table.concat(parts, ", ")
  ))
end
