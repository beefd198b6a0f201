"""A TCP relay that adds a fixed delay each way, for the slow-network benchmark.

This kernel has no netem, and netem on `lo` would slow the whole machine anyway:
instead, each lab host gets a relay on another loopback address that holds every
chunk for half the round-trip time in each direction (order kept, no bandwidth cap).

    python bench/latency_proxy.py 50 127.0.96.1:22=127.0.90.1:22 [...]
"""

from __future__ import annotations

import asyncio
import sys


async def _pump(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue = asyncio.Queue()

    async def deliver() -> None:
        while True:
            due, data = await queue.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    sender = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            await queue.put((loop.time() + delay, data or None))
            if not data:
                break
        await sender
    except (ConnectionError, OSError):
        sender.cancel()


async def _serve(listen: tuple[str, int], target: tuple[str, int], delay: float) -> asyncio.base_events.Server:
    async def handle(client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(*target)
        except OSError:
            client_writer.close()
            return
        await asyncio.gather(_pump(client_reader, server_writer, delay), _pump(server_reader, client_writer, delay))

    return await asyncio.start_server(handle, *listen)


def _addr(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    return host, int(port)


async def main() -> None:
    rtt_ms = float(sys.argv[1])
    servers = []
    for pair in sys.argv[2:]:
        listen, _, target = pair.partition("=")
        servers.append(await _serve(_addr(listen), _addr(target), rtt_ms / 2000.0))
    print("ready", flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main())
