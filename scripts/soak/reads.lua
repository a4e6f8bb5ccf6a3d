-- One kind of read load for scripts/soak.sh, chosen by SOAK_KIND:
--   login    POST /api/v1/auth/login as the school (an Argon2id check per request)
--   list     GET /api/v1/agreements pages, as the school
--   pdf      GET /api/v1/serials/{serial}/pdf over the signed agreements, with the portal's key
--   verify   GET the verification page of a printed QR code
-- SOAK_PARAMS names a file of key=value lines written by soak.sh. Pistache keeps a connection
-- open only when asked (tech notes §1), hence the explicit keep-alive header.
local common = dofile(os.getenv("SOAK_DIR") .. "/common.lua")
local params = common.read_params(os.getenv("SOAK_PARAMS"))
local kind = os.getenv("SOAK_KIND")
local serials = common.split(params.serials or "")
local agreements = tonumber(params.agreements or "1")

local generators = {
  login = function()
    local body = string.format('{"username":"%s","password":"%s"}', params.school_username, params.school_password)
    return wrk.format("POST", "/api/v1/auth/login",
                      {["Content-Type"] = "application/json", ["Connection"] = "keep-alive"}, body)
  end,
  list = function()
    local offset = math.random(0, math.max(0, agreements - 50))
    return wrk.format("GET", "/api/v1/agreements?limit=50&offset=" .. offset,
                      {["Authorization"] = "Bearer " .. params.school_token, ["Connection"] = "keep-alive"})
  end,
  pdf = function()
    local serial = serials[math.random(1, #serials)]
    return wrk.format("GET", "/api/v1/serials/" .. serial .. "/pdf",
                      {["Authorization"] = "Bearer " .. params.portal_key, ["Connection"] = "keep-alive"})
  end,
  verify = function()
    return wrk.format("GET", params.verification_path, {["Connection"] = "keep-alive"})
  end,
}

local generate = generators[kind]
if generate == nil then error("SOAK_KIND must be one of login, list, pdf, verify") end

function init(args)
  math.randomseed(os.time())
end

function request()
  return generate()
end

function response(status, headers, body)
  common.count_response(status, body)
end

setup = common.setup
done = common.done
