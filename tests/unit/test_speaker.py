"""The spoken call: the words of any ticket's number have clips, calls are said whole and
in order through one announcement queue, and the clips backend renders the full call."""

from __future__ import annotations

import threading
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from counter_app.domain.queue import LOCAL_BLOCK, MAX_NUMBER
from peripherals.speaker import (
    LETTER_NAMES,
    Announcement,
    AnnouncementQueue,
    ClipLibrary,
    ClipSpeaker,
    SimulatedSpeaker,
    wav_seconds,
)

LIBRARY = ClipLibrary()


def test_the_call_reads_as_the_hall_hears_it() -> None:
    call = Announcement("ب", 123, 3)
    assert call.text == "التذكرة رقم ب ١٢٣، الشباك رقم ٣"
    words = [key for kind, key in call.parts() if kind == "word"]
    assert words == ["مائة", "و", "ثلاثة", "و", "عشرون", "ثلاثة"]


@given(
    st.sampled_from(sorted(LETTER_NAMES)),
    st.one_of(
        st.integers(1, MAX_NUMBER),
        st.integers(1, 99).flatmap(
            lambda w: st.integers(w * LOCAL_BLOCK + 1, w * LOCAL_BLOCK + 9_999)
        ),
    ),
    st.integers(1, 99),
)
def test_every_ticket_a_queue_can_issue_has_all_its_clips(
    letter: str, number: int, window: int
) -> None:
    call = Announcement(letter, number, window)
    for kind, key in call.parts():
        assert len(LIBRARY.samples(kind, key)) > 0


def test_three_quick_calls_are_all_said_whole_and_in_order() -> None:
    speaker = SimulatedSpeaker()
    speaker.hold = threading.Event()  # the first call is still being said ...
    queue = AnnouncementQueue(speaker)
    calls = [Announcement("م", 1, 1), Announcement("س", 2, 2), Announcement("م", 3, 1)]
    for call in calls:
        queue.announce(call)
    # ... while the next two arrive: none has cut in.
    assert not queue.wait_idle(0.2)
    assert speaker.said == [] and speaker.started == [calls[0].text]
    speaker.hold.set()
    assert queue.wait_idle(10)
    assert speaker.said == [c.text for c in calls] == speaker.started
    queue.close()


def test_the_clips_backend_renders_each_call_whole(tmp_path: Path) -> None:
    out = tmp_path / "calls"
    queue = AnnouncementQueue(ClipSpeaker(LIBRARY, out))
    calls = [Announcement("م", 17, 2), Announcement("س", 20_003, 3), Announcement("ع", 999, 1)]
    for call in calls:
        queue.announce(call)
    assert queue.wait_idle(30)
    queue.close()
    files = sorted(out.glob("call-*.wav"))
    assert len(files) == 3
    for call, path in zip(calls, files, strict=True):
        expected = sum(len(LIBRARY.samples(k, v)) for k, v in call.parts()) / 11_025
        assert abs(wav_seconds(path.read_bytes()) - expected) < 0.001
        assert wav_seconds(path.read_bytes()) > 2.0  # a chime and a call, not a click


def test_an_offices_own_recording_replaces_one_clip(tmp_path: Path) -> None:
    own = tmp_path / "own"
    own.mkdir()
    import wave

    with wave.open(str(own / "chime.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(11_025)
        w.writeframes(b"\x00\x10" * 11_025)  # one second
    library = ClipLibrary(own)
    assert len(library.samples("chime", "chime")) == 11_025
    assert len(library.samples("phrase", "ticket_number")) == len(
        LIBRARY.samples("phrase", "ticket_number")
    )
