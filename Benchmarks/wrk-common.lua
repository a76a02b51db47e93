-- Shared by the wrk scripts: threads registry, and the RESULT line Benchmarks/lib.sh reads.
-- A script sets ACK_MARK (the text of an acknowledged answer) before loading this file.
threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function response(status, headers, body)
  if status == 200 and body:find(ACK_MARK, 1, true) then acked = acked + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local a, r = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    r = r + t:get("refused")
  end
  io.write(string.format("RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d acked=%d refused=%d errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), a, r,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status))
end
