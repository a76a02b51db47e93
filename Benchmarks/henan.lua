-- wrk script: Henan city-platform requests read from BODIES (one JSON body per line, generated
-- by Benchmarks/henan.sh); each thread takes every Nth line. Counts answers with code 200.
ACK_MARK = '"code":"200"'
dofile("Benchmarks/wrk-common.lua")
local file = os.getenv("BODIES")
local target = os.getenv("TARGET")

function init(args)
  bodies = {}
  local n, step, index = 0, #threads > 0 and #threads or 1, 0
  for line in io.lines(file) do table.insert(bodies, line) end
  counter = id or 1
  acked = 0
  refused = 0
end

function request()
  local body = bodies[((counter - 1) % #bodies) + 1]
  counter = counter + 1
  return wrk.format("POST", target, {["Content-Type"] = "application/json"}, body)
end
