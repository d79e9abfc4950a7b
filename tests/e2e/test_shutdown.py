"""Ctrl-C while a REST stream is in flight: the server finishes the RPCs it has (through Envoy,
which stops after it), instead of Envoy cutting every connection at once."""

from __future__ import annotations

import signal
import threading

import httpx
from fakes.openai_server import FakeOpenAI

MESSAGES = [{"role": "user", "content": "hi"}]


def test_a_stream_in_flight_at_ctrl_c_keeps_going(own_stack) -> None:
    upstream = FakeOpenAI().start()
    stack = own_stack(upstream)
    received: list[str] = []
    first = threading.Event()

    def stream() -> None:
        with httpx.stream(
            "POST",
            f"{stack.rest}/v1/chat/completions",
            json={
                "model": "acme/slow",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": True,
            },
            headers={"authorization": f"Bearer {stack.admin_key}"},
            timeout=30,
        ) as response:
            for line in response.iter_lines():
                if line.startswith("data: "):
                    received.append(line)
                    first.set()

    reader = threading.Thread(target=stream)
    try:
        reader.start()
        assert first.wait(10)
        stopped_at = len(received)
        stack.process.send_signal(signal.SIGINT)
        reader.join(timeout=20)
        assert not reader.is_alive()
        output, _ = stack.process.communicate(timeout=30)
    finally:
        upstream.stop()
    words = [line for line in received if '"w' in line]
    assert len(words) - stopped_at >= 30, (len(words), stopped_at)  # kept streaming ~4 s more
    assert stack.process.returncode == 0, output
