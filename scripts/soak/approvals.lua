-- Approvals for scripts/soak.sh: over one connection, each agreement prepared in review gets its
-- college approval, then the school's (which signs it: serial, audit event, PDF rendered and
-- stored). The pairs are paced (SOAK_PARAMS: pace_ms) so that the prepared agreements last the
-- whole run; should they run out, the connection goes on reading the last one.
-- The position moves on in response(), not in request(): wrk calls request() once more than it
-- sends, to check the script, and that call must not skip an approval.
local common = dofile(os.getenv("SOAK_DIR") .. "/common.lua")
local params = common.read_params(os.getenv("SOAK_PARAMS"))
local ids = common.split(params.review_ids or "")
local pace = tonumber(params.pace_ms or "1000")
local headers_of = function(token)
  return {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json",
          ["Connection"] = "keep-alive"}
end

local index = 1
local reviewer = "college"
signed = 0

function request()
  if index > #ids then
    return wrk.format("GET", "/api/v1/agreements/" .. ids[#ids], headers_of(params.school_token))
  end
  local token = reviewer == "college" and params.college_token or params.school_token
  return wrk.format("POST", "/api/v1/agreements/" .. ids[index] .. "/review", headers_of(token),
                    '{"decision":"approve"}')
end

-- Called before each request: wait before each college approval, i.e. before each new agreement.
function delay()
  if index <= #ids and reviewer == "college" then return pace end
  return 0
end

function response(status, headers, body)
  common.count_response(status, body)
  if index > #ids then return end
  if reviewer == "college" then
    reviewer = "school"
  else
    if status == 200 then signed = signed + 1 end
    reviewer = "college"
    index = index + 1
  end
end

setup = common.setup
done = common.done
