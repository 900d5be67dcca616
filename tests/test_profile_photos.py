"""Forward origins' profile photos read lately: one read per account within the time, shared by forwards that
arrive together; a failed read is not kept."""

from __future__ import annotations

import asyncio

import pytest

from bot.images.pdq import NotAnImage
from bot.images.photos import Photo
from bot.telegram.pictures import ProfilePhotos

pytestmark = pytest.mark.no_database("a cache in memory")


class Reads:
    """A reader that counts its calls, and waits for ``go`` before answering."""

    def __init__(self, answer: Photo | None = None, *, fails: bool = False) -> None:
        self.calls = 0
        self.go = asyncio.Event()
        self.go.set()
        self._answer, self._fails = answer, fails

    async def __call__(self) -> Photo | None:
        self.calls += 1
        await self.go.wait()
        if self._fails:
            raise NotAnImage("not a picture")
        return self._answer


async def test_an_accounts_photo_is_read_once_within_the_time_and_again_after_it() -> None:
    now = [0.0]
    profiles = ProfilePhotos(seconds=600, clock=lambda: now[0])
    read = Reads()
    assert await profiles.of(-100777, read) is None
    now[0] = 599
    assert await profiles.of(-100777, read) is None
    assert read.calls == 1
    now[0] = 601
    await profiles.of(-100777, read)
    assert read.calls == 2


async def test_forwards_arriving_together_share_one_read_and_one_cancelled_caller_does_not_stop_it() -> None:
    profiles = ProfilePhotos()
    read = Reads()
    read.go.clear()
    waiting = [asyncio.create_task(profiles.of(42, read)) for _ in range(3)]
    await asyncio.sleep(0)
    waiting[0].cancel()
    read.go.set()
    assert await asyncio.gather(*waiting[1:]) == [None, None]
    assert read.calls == 1 and waiting[0].cancelled()


async def test_a_failed_read_is_not_kept_and_the_oldest_accounts_make_room() -> None:
    profiles = ProfilePhotos(kept=2)
    failing = Reads(fails=True)
    for _ in range(2):
        with pytest.raises(NotAnImage):
            await profiles.of(1, failing)
    assert failing.calls == 2
    read = Reads()
    for account in (1, 2, 3, 1):
        await profiles.of(account, read)
    assert read.calls == 4  # 1 made room for 3, so it was read again
