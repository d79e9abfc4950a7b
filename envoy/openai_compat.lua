-- Switchboard's Envoy Lua filter (ARCHITECTURE section 9). Sits BEFORE the transcoder:
--   request:  /v1/... is an alias of /api/v1/... (rewritten before the transcoder matches);
--   response: runs AFTER the transcoder; swaps the server's `x-error-json` in as the body and
--             promotes rate-limit headers. Native gRPC (application/grpc) is never touched.
local PROMOTE = {
  "retry-after", "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset",
}

local function is_grpc(headers)
  local ct = headers:get("content-type") or ""
  return string.sub(ct, 1, 16) == "application/grpc"
end

function envoy_on_request(handle)
  local headers = handle:headers()
  if is_grpc(headers) then
    return
  end
  local path = headers:get(":path") or ""
  if path == "/v1" or string.sub(path, 1, 4) == "/v1/" or string.sub(path, 1, 4) == "/v1?" then
    headers:replace(":path", "/api" .. path)
  end
end

local function promote(from, to)
  for _, name in ipairs(PROMOTE) do
    local value = from:get(name)
    if value ~= nil then
      to:replace(name, value)
    end
  end
end

function envoy_on_response(handle)
  local headers = handle:headers()
  if is_grpc(headers) then
    return
  end
  headers:remove("grpc-status")
  headers:remove("grpc-message")
  local err = headers:get("x-error-json")
  local status = tonumber(headers:get(":status")) or 200
  if err == nil and status >= 400 then
    -- Initial metadata was sent before the error, so it arrives in trailers: wait for them.
    handle:body(true)
    local trailers = handle:trailers()
    if trailers ~= nil then
      err = trailers:get("x-error-json")
      promote(trailers, headers)
      trailers:remove("x-error-json")
    end
  end
  if err ~= nil then
    headers:remove("x-error-json")
    headers:remove("grpc-status-details-bin")
    headers:replace("content-type", "application/json")
    handle:body(true):setBytes(err)
  end
end
