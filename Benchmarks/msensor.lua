-- wrk script: distinct, valid /park/msensor messages; counts answers with code 100.
-- env: TOKEN (a live token of vendor 102), RUN (0-99, keeps flowIds distinct between runs),
--      RATE (optional: total requests/s to pace at; needs CONNECTIONS too)
ACK_MARK = '"code":"100"'
dofile("Benchmarks/wrk-common.lua")
local token = os.getenv("TOKEN")
local run = tonumber(os.getenv("RUN") or "0")
local rate = tonumber(os.getenv("RATE") or "0")
local connections = tonumber(os.getenv("CONNECTIONS") or "1")

function init(args)
  counter = 0
  acked = 0
  refused = 0
end

function request()
  counter = counter + 1
  local flow = string.format("1023%02d%02d%012d", run, id, counter)
  local ps = (id * 100000 + counter) % 2000
  -- Each berth alternates between visits (occupied, vacant, occupied …): every occupied report
  -- opens a parking session and the next one closes it, as a geomagnetic sensor reports changes.
  local state = math.floor((id * 100000 + counter) / 2000) % 2
  local body = 'jdata={"token":"' .. token .. '","comType":"102","flowId":"' .. flow ..
    '","parkCode":"BENCH","devCode":"D' .. ps .. '","psCode":"P' .. ps .. '","psState":"' .. state ..
    '","devElec":"80","dataTime":"20240301083000"}'
  return wrk.format("POST", "/park/msensor", {["Content-Type"] = "application/x-www-form-urlencoded"}, body)
end

function delay()
  if rate > 0 then return connections * 1000 / rate end
  return 0
end
