"""The speaker: a chime and the call spoken in Arabic, offline.

"التذكرة رقم م ١٢٣، الشباك رقم ٣" is said by one of:

- `ClipSpeaker`: recorded clips joined (the chime, the phrases, the letter's name, the
  number's words as num2words writes them), from `resources/sounds/` or an office's own
  recordings with the same names (`clips.json` says which file holds which word);
- `VoiceSpeaker`: the system's speech (espeak-ng) where it has an Arabic voice;
- `SimulatedSpeaker`: records what was said, for tests and the demo.

Every call goes through one `AnnouncementQueue`: calls are said whole and in order; a new
call waits for the one being said, never cuts it off.
"""

from __future__ import annotations

import array
import io
import json
import logging
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from num2words import num2words

log = logging.getLogger(__name__)

CLIP_RATE = 11_025
SOUNDS = Path(__file__).resolve().parent.parent / "resources" / "sounds"
PHRASES = {"ticket_number": "التذكرة رقم", "window_number": "الشباك رقم"}
LETTER_NAMES = {
    "ا": "ألف", "ب": "باء", "ت": "تاء", "ث": "ثاء", "ج": "جيم", "ح": "حاء", "خ": "خاء",
    "د": "دال", "ذ": "ذال", "ر": "راء", "ز": "زاي", "س": "سين", "ش": "شين", "ص": "صاد",
    "ض": "ضاد", "ط": "طاء", "ظ": "ظاء", "ع": "عين", "غ": "غين", "ف": "فاء", "ق": "قاف",
    "ك": "كاف", "ل": "لام", "م": "ميم", "ن": "نون", "ه": "هاء", "و": "واو", "ي": "ياء",
}  # fmt: skip
_PAUSE_S = 0.18  # between the parts of a call
_ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def number_words(n: int) -> list[str]:
    return str(num2words(n, lang="ar")).split()


@dataclass(frozen=True)
class Announcement:
    letter_ar: str
    number: int
    window: int

    @property
    def text(self) -> str:
        number = str(self.number).translate(_ARABIC_DIGITS)
        window = str(self.window).translate(_ARABIC_DIGITS)
        return f"التذكرة رقم {self.letter_ar} {number}، الشباك رقم {window}"

    def parts(self) -> list[tuple[str, str]]:
        """What is said, in order: (kind, key) with kind phrase, letter, word or pause."""
        parts: list[tuple[str, str]] = [("chime", "chime"), ("phrase", "ticket_number")]
        if self.letter_ar in LETTER_NAMES:
            parts.append(("letter", self.letter_ar))
        parts += [("word", w) for w in number_words(self.number)]
        parts += [("pause", ""), ("phrase", "window_number")]
        parts += [("word", w) for w in number_words(self.window)]
        return parts


class Speaker(Protocol):
    def say(self, call: Announcement) -> None:
        """Say the call whole; return when it has been said."""


class NoSpeaker:
    def say(self, call: Announcement) -> None:
        return None


class SimulatedSpeaker:
    """Records each call as it is said (with the parts a clip speaker would join)."""

    def __init__(self) -> None:
        self.said: list[str] = []
        self.started: list[str] = []
        self._lock = threading.Lock()
        self.hold: threading.Event | None = None  # a test keeps a call "being said"

    def say(self, call: Announcement) -> None:
        with self._lock:
            self.started.append(call.text)
        if self.hold is not None:
            self.hold.wait(10)
        with self._lock:
            self.said.append(call.text)


class ClipLibrary:
    """The clips by what they say; an office's folder overrides the shipped one clip by clip."""

    def __init__(self, own: Path | None = None) -> None:
        self._folders = [f for f in (own, SOUNDS) if f is not None]
        manifest = json.loads((SOUNDS / "clips.json").read_text(encoding="utf-8"))
        self._names: dict[tuple[str, str], str] = {
            (kind, key): name for kind, table in manifest.items() for key, name in table.items()
        }

    def samples(self, kind: str, key: str) -> array.array[int]:
        if kind == "pause":
            return array.array("h", bytes(2 * int(CLIP_RATE * _PAUSE_S)))
        name = self._names.get((kind, key))
        if name is None:
            raise KeyError(f"no clip for {kind} {key!r}")
        for folder in self._folders:
            path = folder / name
            if path.exists():
                return _read_clip(path)
        raise FileNotFoundError(f"clip {name} is missing")

    def render(self, call: Announcement) -> bytes:
        """The whole call as one WAV file."""
        samples = array.array("h")
        for kind, key in call.parts():
            samples.extend(self.samples(kind, key))
        return _wav(samples)


def _read_clip(path: Path) -> array.array[int]:
    with wave.open(str(path)) as w:
        width = w.getsampwidth()
        if w.getnchannels() != 1 or width not in (1, 2) or w.getframerate() != CLIP_RATE:
            raise ValueError(f"{path.name}: clips are mono 8- or 16-bit {CLIP_RATE} Hz WAV")
        frames = w.readframes(w.getnframes())
    if width == 2:
        return array.array("h", frames)
    return array.array("h", ((b - 128) << 8 for b in frames))  # 8-bit WAV is unsigned


def _wav(samples: array.array[int]) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(CLIP_RATE)
        w.writeframes(samples.tobytes())
    return out.getvalue()


def wav_seconds(data: bytes) -> float:
    with wave.open(io.BytesIO(data)) as w:
        return float(w.getnframes() / w.getframerate())


def system_player() -> Callable[[Path], None] | None:
    """Play a WAV file to the end on this machine's sound card, or None when it cannot."""
    if sys.platform == "win32":
        import winsound  # noqa: PLC0415 (Windows only)

        return lambda path: winsound.PlaySound(str(path), winsound.SND_FILENAME)
    for player in ("paplay", "aplay", "afplay"):
        found = shutil.which(player)
        if found:
            return lambda path, exe=found: _run([exe, str(path)])  # type: ignore[misc]
    return None


def _run(command: list[str]) -> None:
    subprocess.run(command, check=False, capture_output=True, timeout=60)


class ClipSpeaker:
    """Joins the clips of a call and plays them (or keeps each call as a WAV file)."""

    def __init__(self, library: ClipLibrary, output: Path | None = None) -> None:
        self.library = library
        self._output = output
        self._player = None if output is not None else system_player()
        self._count = 0

    def say(self, call: Announcement) -> None:
        data = self.library.render(call)
        self._count += 1
        if self._output is not None:
            self._output.mkdir(parents=True, exist_ok=True)
            (self._output / f"call-{self._count:05d}.wav").write_bytes(data)
            return
        if self._player is None:
            log.warning("no sound player on this machine: the call was not heard")
            return
        with tempfile.NamedTemporaryFile(suffix=".wav", delete=False) as f:
            f.write(data)
        try:
            self._player(Path(f.name))
        finally:
            Path(f.name).unlink(missing_ok=True)


class VoiceSpeaker:
    """The system's voice: espeak-ng with its Arabic voice (Linux; on Windows use clips)."""

    def __init__(self) -> None:
        self._exe = shutil.which("espeak-ng")

    @staticmethod
    def available() -> bool:
        return shutil.which("espeak-ng") is not None

    def say(self, call: Announcement) -> None:
        if self._exe is None:
            log.warning("espeak-ng is not installed: the call was not heard")
            return
        _run([self._exe, "-v", "ar", "-s", "140", call.text])


class AnnouncementQueue:
    """One thread says the calls one after another, each whole, in the order made."""

    def __init__(self, speaker: Speaker) -> None:
        self.speaker = speaker
        self._calls: queue.Queue[Announcement | None] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="announcements", daemon=True)
        self._thread.start()

    def announce(self, call: Announcement) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
        self._calls.put(call)

    def wait_idle(self, timeout: float = 30) -> bool:
        """True once every call made so far has been said."""
        return self._idle.wait(timeout)

    def close(self) -> None:
        self._calls.put(None)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            call = self._calls.get()
            if call is None:
                return
            try:
                self.speaker.say(call)
            except Exception:
                log.exception("the call %s could not be said", call.text)
            with self._lock:
                self._pending -= 1
                if self._pending == 0:
                    self._idle.set()


def make_speaker(backend: str, clips_dir: str = "", output: str = "") -> Speaker:
    if backend == "clips":
        return ClipSpeaker(
            ClipLibrary(Path(clips_dir) if clips_dir else None), Path(output) if output else None
        )
    if backend == "voice":
        return VoiceSpeaker()
    if backend == "simulator":
        return SimulatedSpeaker()
    return NoSpeaker()
