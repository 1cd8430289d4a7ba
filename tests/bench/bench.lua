-- bench.lua — the one wrk script of `make bench` (tests/bench/run.sh). Arguments after --:
--   KIND DIR OFFSET THREADS
-- KIND: plain (no credentials), cookie (a practitioner's session), cookie-analyst, bearer (a
-- practitioner's API token), book (POST a booking: each request a different booker and session,
-- never the same pair twice, starting at pair OFFSET), scan (GET /c/{code} over many codes).
-- DIR holds the bench-*.txt files `lantern bench-data` wrote. done() prints one RESULT line.

-- Each thread numbers its requests tid, tid + THREADS, …: no two threads use the same pair or code.
local counter = 0

function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end

local function lines(path)
  local t = {}
  for l in io.lines(path) do
    if l ~= "" then t[#t + 1] = l end
  end
  assert(#t > 0, path .. " is empty")
  return t
end

local kind, tokens, sessions, codes, n, step, offset

function init(args)
  kind = args[1]
  local dir = args[2]
  offset, n, step = tonumber(args[3]), tid, tonumber(args[4])
  if kind == "cookie" then
    wrk.headers["Cookie"] = "__Host-lantern_session=" .. lines(dir .. "/bench-cookie.txt")[1]
  elseif kind == "cookie-analyst" then
    wrk.headers["Cookie"] = "__Host-lantern_session=" .. lines(dir .. "/bench-cookie-analyst.txt")[1]
  elseif kind == "bearer" then
    wrk.headers["Authorization"] = "Bearer " .. lines(dir .. "/bench-api-token.txt")[1]
  elseif kind == "book" then
    tokens, sessions = lines(dir .. "/bench-tokens.txt"), lines(dir .. "/bench-sessions.txt")
  elseif kind == "scan" then
    codes = lines(dir .. "/bench-codes.txt")
  end
end

function request()
  local i = offset + n
  n = n + step
  if kind == "book" then
    -- Pair i: booker i mod T on session (i div T) mod S, so pairs repeat only after T × S requests.
    local t = tokens[i % #tokens + 1]
    local s = sessions[math.floor(i / #tokens) % #sessions + 1]
    return wrk.format("POST", "/api/v1/sessions/" .. s .. "/bookings",
      { ["Authorization"] = "Bearer " .. t, ["Content-Type"] = "application/json" }, "{}")
  elseif kind == "scan" then
    return wrk.format("GET", "/c/" .. codes[i % #codes + 1])
  end
  return wrk.format()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f requests=%d bad_status=%d socket_errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout))
end
