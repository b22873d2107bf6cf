# faro_proxy.py — same-origin collector for the browser: POST /faro → Alloy faro.receiver.
import os

import httpx
from fastapi import APIRouter, Request, Response

ENABLED = os.getenv("FARO_ENABLED") == "true" and os.getenv("FARO_PROXY_ENABLED", "true") != "false"
UPSTREAM = os.getenv("FARO_UPSTREAM_URL", "http://alloy:12347/collect")
API_KEY = os.getenv("FARO_API_KEY")  # server-side only
MAX_BYTES = 1024 * 1024
FORWARDED = ("content-type", "content-encoding", "x-faro-session-id", "traceparent")
RETURNED = ("retry-after", "x-faro-session-status", "content-type")

client = httpx.AsyncClient(timeout=httpx.Timeout(5.0))  # pooled keep-alive, bounded wait
router = APIRouter()
# Rate limit per client (429 + Retry-After): e.g. slowapi's @limiter.limit("20/second") on faro().


@router.api_route("/faro", methods=["GET", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def faro_other_methods() -> Response:
    return Response(status_code=404 if not ENABLED else 405, headers={"allow": "POST"})


@router.post("/faro", include_in_schema=False)
async def faro(request: Request) -> Response:
    if not ENABLED:
        return Response(status_code=404)
    content_type = request.headers.get("content-type", "").lower()
    if content_type.split(";")[0].strip() != "application/json":
        return Response(status_code=415)
    body = bytearray()
    async for chunk in request.stream():  # counts bytes actually received, chunked or not
        body += chunk
        if len(body) > MAX_BYTES:
            return Response(status_code=413)  # nothing forwarded
    headers = {name: request.headers[name] for name in FORWARDED if name in request.headers}
    peer = request.client.host if request.client else ""
    previous = request.headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = f"{previous}, {peer}" if previous else peer
    if API_KEY:
        headers["x-api-key"] = API_KEY  # never cookies, never authorization
    try:
        answer = await client.post(UPSTREAM, content=bytes(body), headers=headers)
    except httpx.TimeoutException:
        return Response(status_code=504)
    except httpx.TransportError:
        return Response(status_code=502)
    returned = {name: answer.headers[name] for name in RETURNED if name in answer.headers}
    return Response(content=answer.content, status_code=answer.status_code, headers=returned)

# app.include_router(router)
