"""The class's training queue: `slots` runs at a time across all sessions, fairly shared.

Each waiting or running turn is one connection on a Unix socket (the client is `tutor.engine.gate`).
The server learns whose turn it is from the connecting process (SO_PEERCRED), never from what the
client says, so a student cannot queue as someone else. Slots are shared by least service first:
the next goes to the student granted the fewest turns in the last `WINDOW` seconds (counting their
own earlier waiting turns), then to the longest waiting. So a student who queues run after run
never passes one who has waited less often, and a student may hold at most `max_queued` turns.

A turn's first line says whether it is in the background: a fix the tutor tries on its own, which
nobody is waiting to read. Background turns come after every other waiting turn and hold at most all
slots but one, so a run a student asked for never waits behind more than the runs asked before it.
"""

import asyncio
import json
import socket
import struct
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count

_ARRIVAL = count()
WINDOW = 600.0  # seconds of grants that count as recent service


@dataclass(eq=False)
class Ticket:
    student: str
    writer: asyncio.StreamWriter
    background: bool = False
    granted: asyncio.Event = field(default_factory=asyncio.Event)
    arrival: int = field(default_factory=lambda: next(_ARRIVAL))


class TrainingQueue:
    """Turns handed out `slots` at a time; `owner(pid)` names the student of a process, or None."""

    def __init__(self, slots: int, max_queued: int, owner: Callable[[int], str | None]) -> None:
        self.slots, self.max_queued, self.owner = slots, max_queued, owner
        self.waiting: list[Ticket] = []
        self.running: list[Ticket] = []
        self.grants: deque[tuple[float, str]] = deque()  # (when, student), the last WINDOW seconds

    def holding(self, student: str) -> int:
        return sum(t.student == student for t in self.waiting + self.running)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """One turn: wait, run, and give the slot back when the client closes (or dies)."""
        student = self.owner(_peer_pid(writer))
        try:
            background = bool(json.loads(await reader.readline() or "{}").get("background"))
        except (ValueError, AttributeError, ConnectionError):  # not our client's first line
            student = None
        if student is None:
            writer.close()
            return
        if self.holding(student) >= self.max_queued:
            await _send(writer, {"full": self.max_queued})
            writer.close()
            return
        ticket = Ticket(student, writer, background)
        self.waiting.append(ticket)
        try:
            self.advance()
            closed = asyncio.ensure_future(reader.read())  # EOF: the client left the queue or finished
            granted = asyncio.ensure_future(ticket.granted.wait())
            await asyncio.wait({closed, granted}, return_when=asyncio.FIRST_COMPLETED)
            if not closed.done():
                await _send(writer, {"go": True})
                await closed
            granted.cancel()
        except (ConnectionError, OSError):
            pass
        finally:
            for line in (self.waiting, self.running):
                if ticket in line:
                    line.remove(ticket)
            writer.close()
            self.advance()

    def advance(self) -> None:
        """Hand free slots to the fairest waiting tickets, then tell everyone still waiting their place."""
        while self.waiting and len(self.running) < self.slots:
            ticket = self.order()[0]
            if ticket.background and sum(t.background for t in self.running) >= max(self.slots - 1, 1):
                break  # the last slot is kept for a student's own run
            self.waiting.remove(ticket)
            self.running.append(ticket)
            if not ticket.background:  # the tutor's own trials are not the student's service
                self.grants.append((time.monotonic(), ticket.student))
            ticket.granted.set()
        for place, ticket in enumerate(self.order(), 1):
            ticket.writer.write(_line({"place": place, "of": len(self.waiting)}))

    def order(self) -> list[Ticket]:
        """The waiting tickets in the order they would be served if nobody else came: the background
        ones last."""
        while self.grants and self.grants[0][0] < time.monotonic() - WINDOW:
            self.grants.popleft()
        served = Counter(student for _, student in self.grants)
        ranked = []
        for ticket in sorted(self.waiting, key=lambda t: t.arrival):
            ranked.append((ticket.background, served[ticket.student], ticket.arrival, ticket))
            served[ticket.student] += 1  # a student's next waiting turn counts this one as served
        return [ticket for *_, ticket in sorted(ranked, key=lambda r: r[:3])]


def _line(message: dict) -> bytes:
    return json.dumps(message).encode() + b"\n"


async def _send(writer: asyncio.StreamWriter, message: dict) -> None:
    writer.write(_line(message))
    await writer.drain()


def _peer_pid(writer: asyncio.StreamWriter) -> int:
    sock = writer.get_extra_info("socket")
    pid, _uid, _gid = struct.unpack("3i", sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i")))
    return pid
