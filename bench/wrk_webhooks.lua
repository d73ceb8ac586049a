-- wrk script of `make bench-compare`: our pre-signed webhooks, written by bench/wrk.py.
--
--   wrk -t2 -c50 -d20s --latency -s bench/wrk_webhooks.lua URL -- requests.tsv 2 demo.localhost
--
-- script args: <requests file> <number of wrk threads (same as -t)> <X-Company-Domain>
-- Same scheme as the seed stack's wrk_signed.lua, so both stacks get the same load: thread k
-- of n takes lines k, k+n, k+2n, ... (no two threads send the same request) and builds its raw
-- requests once in init(); request() only hands the next one out. A thread that runs out
-- starts over (duplicates answer 200); bench/compare.py notices it as fewer rows than 2xx.

local path = "/webhook/whaticket"
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local file = args[1] or "requests.tsv"
  local nthreads = tonumber(args[2] or "1")
  local domain = args[3] or "demo.localhost"
  reqs = {}
  local lineno = 0
  for line in io.lines(file) do
    if lineno % nthreads == tid then
      local ts, sig, body = line:match("^([^\t]+)\t([^\t]+)\t(.*)$")
      reqs[#reqs + 1] = wrk.format("POST", path, {
        ["Content-Type"] = "application/json",
        ["X-Timestamp"] = ts,
        ["X-Signature"] = sig,
        ["X-Company-Domain"] = domain,
      }, body)
    end
    lineno = lineno + 1
  end
  nreqs = #reqs
  idx = 0
end

function request()
  idx = idx + 1
  if idx > nreqs then
    idx = 1
  end
  return reqs[idx]
end
