-- Shared by the soak load scripts: reading soak.sh's parameter file, counting unexpected
-- answers per thread, and the one result line soak.sh collects from every wrk run.
local common = {}
local threads = {}

-- key=value lines; values may hold anything but a newline.
function common.read_params(path)
  local params = {}
  local file = assert(io.open(path, "r"), "cannot read " .. tostring(path))
  for line in file:lines() do
    local key, value = line:match("^([%w_]+)=(.*)$")
    if key then params[key] = value end
  end
  file:close()
  return params
end

function common.split(list)
  local items = {}
  for item in list:gmatch("[^,]+") do items[#items + 1] = item end
  return items
end

-- Per thread: how many answers were not 2xx/3xx, and the first of them, to show why.
unexpected = 0
first_unexpected = ""

function common.count_response(status, body)
  if status >= 400 then
    unexpected = unexpected + 1
    if first_unexpected == "" then first_unexpected = status .. " " .. (body or ""):sub(1, 200) end
  end
end

function common.setup(thread)
  threads[#threads + 1] = thread
end

-- "RESULT kind requests errors p50_ms p99_ms max_ms rps", then the first unexpected answer.
function common.done(summary, latency, requests)
  local errors = summary.errors
  local failed = errors.connect + errors.read + errors.write + errors.status + errors.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT %s %d %d %.1f %.1f %.1f %.1f\n", os.getenv("SOAK_KIND"), summary.requests, failed,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
                         summary.requests / seconds))
  for _, thread in ipairs(threads) do
    local sample = thread:get("first_unexpected")
    if sample and sample ~= "" then
      io.write("FIRST-ERROR " .. os.getenv("SOAK_KIND") .. " " .. sample:gsub("\n", " ") .. "\n")
      break
    end
  end
  for _, thread in ipairs(threads) do
    local signed = thread:get("signed")
    if signed then io.write(string.format("SIGNED %d\n", signed)) end
  end
end

return common
