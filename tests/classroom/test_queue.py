"""The class's training queue: slots, fairness, limits and cancelling, with the real client (`gate.turn`)."""

import asyncio
import json
import threading

import pytest
from pilot_tools import until

from tutor.classroom.queue import TrainingQueue
from tutor.config import make_config
from tutor.engine import gate
from tutor.engine.training import train
from tutor.settings import Settings


class Client:
    """One raw queue connection, as `gate` makes it: a background one for a fix the tutor tries."""

    async def open(self, path: str, background: bool = False) -> "Client":
        self.reader, self.writer = await asyncio.open_unix_connection(path)
        self.writer.write(json.dumps({"background": background}).encode() + b"\n")
        return self

    async def next(self) -> dict:
        return json.loads(await asyncio.wait_for(self.reader.readline(), 5))

    async def until(self, key: str) -> dict:
        while key not in (message := await self.next()):
            pass
        return message

    async def leave(self) -> None:
        self.writer.close()
        await asyncio.sleep(0.05)


@pytest.fixture
async def queue(tmp_path):
    """A queue with 1 slot and 2 turns a student; connections belong to the names in `queue.who`, in order."""
    who: list[str] = []
    q = TrainingQueue(slots=1, max_queued=2, owner=lambda pid: who.pop(0) if who else None)
    q.who = who
    q.path = str(tmp_path / "q.sock")
    server = await asyncio.start_unix_server(q.handle, path=q.path)
    yield q
    server.close()


async def connect(q: TrainingQueue, student: str, background: bool = False) -> Client:
    q.who.append(student)
    client = await Client().open(q.path, background)
    await asyncio.sleep(0.05)
    return client


async def test_a_slot_goes_to_the_next_in_line_when_its_holder_leaves(queue):
    ana = await connect(queue, "ana")
    assert await ana.next() == {"go": True}
    ben = await connect(queue, "ben")
    assert await ben.next() == {"place": 1, "of": 1}
    await ana.leave()
    assert await ben.until("go") == {"go": True}


async def test_a_student_who_spams_runs_cannot_pass_the_others(queue):
    ana1 = await connect(queue, "ana")
    await ana1.next()
    ana2 = await connect(queue, "ana")  # ana's second run waits...
    ben = await connect(queue, "ben")  # ...and ben, arriving later, is served first
    assert (await ben.until("place"))["place"] == 1
    ana3 = await connect(queue, "ana")
    assert await ana3.next() == {"full": 2}  # two turns a student at most
    await ana1.leave()
    assert await ben.until("go") == {"go": True}
    await ben.leave()
    assert await ana2.until("go") == {"go": True}


async def test_a_run_a_student_asked_for_is_served_before_a_fix_the_tutor_tries(queue):
    ana = await connect(queue, "ana")
    await ana.next()
    trial = await connect(queue, "ben", background=True)  # ben's tutor tries a fix, queued first...
    cleo = await connect(queue, "cleo")  # ...and cleo's own run, asked later, goes before it
    assert (await cleo.until("place"))["place"] == 1
    await ana.leave()
    assert await cleo.until("go") == {"go": True}
    assert [t.student for t in queue.waiting] == ["ben"]
    await cleo.leave()
    assert await trial.until("go") == {"go": True}


async def test_fixes_tried_in_the_background_leave_a_slot_for_the_students_runs(queue):
    queue.slots = 2
    first = await connect(queue, "ana", background=True)
    assert await first.next() == {"go": True}
    second = await connect(queue, "ben", background=True)  # a slot is free, but it is kept...
    assert await second.next() == {"place": 1, "of": 1}
    cleo = await connect(queue, "cleo")  # ...for a run a student asked for
    assert await cleo.until("go") == {"go": True}
    await first.leave()
    assert await second.until("go") == {"go": True}


async def test_the_background_is_told_no_place_and_asks_for_none(queue, monkeypatch):
    monkeypatch.setenv("TUTOR_QUEUE", queue.path)
    holder = await connect(queue, "ana")
    await holder.next()
    places: list[tuple[int, int]] = []

    def trial() -> None:
        gate.listener.set(gate.Listener("en", lambda place, of: places.append((place, of))))
        with gate.in_background(), gate.turn():
            pass

    queue.who.append("ben")
    trying = asyncio.ensure_future(asyncio.to_thread(trial))
    assert await until(lambda: len(queue.waiting) == 1)
    assert queue.waiting[0].background
    await holder.leave()
    await trying
    assert places == []


async def test_leaving_the_queue_while_waiting_frees_the_place(queue):
    ana = await connect(queue, "ana")
    await ana.next()
    ben, cleo = await connect(queue, "ben"), await connect(queue, "cleo")
    assert (await cleo.until("place"))["place"] == 2
    await ben.leave()
    assert await cleo.next() == {"place": 1, "of": 1}
    assert queue.holding("ben") == 0


async def test_an_unknown_process_gets_nothing(queue):
    stranger = await Client().open(queue.path)  # `who` is empty: not a session of the server
    assert await stranger.reader.read() == b""


@pytest.mark.slow
async def test_training_waits_its_turn_tells_its_place_and_can_be_cancelled(queue, monkeypatch):
    monkeypatch.setenv("TUTOR_QUEUE", queue.path)
    holder = await connect(queue, "ana")
    await holder.next()
    places: list[tuple[int, int]] = []
    stop = threading.Event()
    cfg = make_config({"epochs": 2, "samples": 100}, "en")

    def student_run():
        gate.listener.set(gate.Listener("en", lambda place, of: places.append((place, of))))
        return train(cfg, should_stop=stop.is_set)

    queue.who.append("ben")
    waiting = asyncio.ensure_future(asyncio.to_thread(student_run))
    assert await until(lambda: places)
    await asyncio.sleep(0.2)  # time for a place it should not be told
    assert places == [(1, 1)] and not waiting.done()
    stop.set()  # cancelled while waiting: no training, a cancelled run
    result = await waiting
    assert result.status == "cancelled" and result.history == []

    queue.who.append("ben")
    stop.clear()
    places.clear()
    running = asyncio.ensure_future(asyncio.to_thread(student_run))
    await asyncio.sleep(0.3)
    await holder.leave()
    result = await running
    assert result.status == "completed" and places[-1] == (0, 0)
    assert await until(lambda: queue.running == [] and queue.waiting == [])  # the server hears the close a moment later


async def test_a_full_queue_is_a_clear_error(queue, monkeypatch):
    monkeypatch.setenv("TUTOR_QUEUE", queue.path)
    first, second = await connect(queue, "ana"), await connect(queue, "ana")

    def third_run() -> None:
        gate.listener.set(gate.Listener("en", lambda place, of: None))
        with gate.turn():
            pass

    queue.who.append("ana")
    with pytest.raises(gate.QueueFull, match="2 trainings in the class queue"):
        await asyncio.to_thread(third_run)
    await first.leave()
    await second.leave()


@pytest.mark.slow
async def test_the_app_shows_the_place_in_the_queue_and_escape_leaves_it(queue, monkeypatch):
    from pilot_tools import say, settle, showing

    from tutor.store import Store
    from tutor.ui.app import TutorApp

    monkeypatch.setenv("TUTOR_QUEUE", queue.path)
    holder = await connect(queue, "ben")  # ben's run holds the only slot
    await holder.next()
    queue.who.append("ana")
    app = TutorApp(Store(Settings.from_env().store), "ana", "es")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "¿y si el learning rate fuera 0.1?", wait=False)
        assert await showing(pilot, "En la cola de la clase: puesto 1 de 1")
        await pilot.press("escape")
        await settle(pilot)
        assert await showing(pilot, "cancelada")
    [run] = Store(Settings.from_env().store).runs("ana")
    assert run.status == "cancelled" and run.result["history"] == []
    assert queue.waiting == []
