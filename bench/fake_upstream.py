"""A minimal, fast OpenAI-compatible upstream for benchmarks (asyncio, HTTP/1.1 keep-alive).

    python bench/fake_upstream.py PORT

Answers every POST with the same small chat.completion JSON, so the benchmark measures the
gateway, not the fake.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from switchboard._ports import free_port

# What the benchmarks send: a small chat request for bench/ok, the model seeded on this fake.
CHAT_REQUEST = {
    "model": "bench/ok",
    "messages": [{"role": "user", "content": "hello, how are you today?"}],
}

BODY = json.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": 1,
        "model": "ok",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hello there"},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15},
    }
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
    + str(len(BODY)).encode()
    + b"\r\n\r\n"
    + BODY
)


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            await reader.readexactly(length)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()


def spawn() -> tuple[subprocess.Popen[bytes], str]:
    """This fake in a child process on a free loopback port: (the process, its /v1 base URL)."""
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, str(port)])
    return process, f"http://127.0.0.1:{port}/v1"


async def main(port: int) -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=1024)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1])))
