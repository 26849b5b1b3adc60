"""Make the spoken-call clips in this folder (run by hand; the clips are committed).

    python resources/sounds/make_clips.py            # needs espeak-ng with its Arabic voice

Each word of a call is one WAV clip (mono, 8-bit, 11,025 Hz: small, and enough for a
spoken number in a hall): the phrases, the names of
the Arabic ticket letters, and every word num2words uses for the tickets' numbers. The
chime is two sine tones. An office replaces any clip with its own recording of the same
name (`devices.speaker.clips_dir`); see `docs/operations.md`.
"""

from __future__ import annotations

import array
import io
import json
import math
import subprocess
import sys
import wave
from pathlib import Path

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parent.parent))

from peripherals.speaker import CLIP_RATE, LETTER_NAMES, PHRASES, number_words  # noqa: E402


def espeak(text: str) -> array.array[int]:
    wav = subprocess.run(
        ["espeak-ng", "-v", "ar", "-s", "140", "--stdout", text], check=True, capture_output=True
    ).stdout
    with wave.open(io.BytesIO(wav)) as w:
        samples = array.array("h", w.readframes(w.getnframes()))
        rate = w.getframerate()
    # Halve 22,050 Hz to 11,025 Hz, averaging pairs (a small low-pass), and trim silence.
    halved = array.array(
        "h", ((samples[i] + samples[i + 1]) // 2 for i in range(0, len(samples) - 1, 2))
    )
    assert rate // 2 == CLIP_RATE
    loud = [i for i, s in enumerate(halved) if abs(s) > 300]
    if loud:
        halved = halved[max(0, loud[0] - 200) : loud[-1] + 400]
    return halved


def chime() -> array.array[int]:
    samples = array.array("h")
    for freq, seconds in ((784.0, 0.35), (523.25, 0.55)):
        n = int(CLIP_RATE * seconds)
        for i in range(n):
            fade = min(1.0, (n - i) / (CLIP_RATE * 0.25))
            samples.append(int(9000 * fade * math.sin(2 * math.pi * freq * i / CLIP_RATE)))
    return samples


def write(name: str, samples: array.array[int]) -> None:
    with wave.open(str(HERE / f"{name}.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(1)
        w.setframerate(CLIP_RATE)
        w.writeframes(bytes(min(255, max(0, (s >> 8) + 128)) for s in samples))


def main() -> None:
    manifest: dict[str, dict[str, str]] = {"chime": {"chime": "chime.wav"}}
    write("chime", chime())
    manifest["phrase"] = {}
    for name, text in PHRASES.items():
        write(name, espeak(text))
        manifest["phrase"][name] = f"{name}.wav"
    manifest["letter"] = {}
    for letter, name in LETTER_NAMES.items():
        clip = f"letter_{ord(letter):04x}"
        write(clip, espeak(name))
        manifest["letter"][letter] = f"{clip}.wav"
    manifest["word"] = {}
    # The host's numbers (1 to 9,999) and a window's own (window x 10,000 + serial).
    numbers = [*range(1, 10_000)]
    numbers += [w * 10_000 + m for w in range(1, 100) for m in (0, 1, 2, 3, 11, 100, 999, 1000)]
    words = sorted({w for n in numbers for w in number_words(n)})
    for i, word in enumerate(words, 1):
        write(f"word_{i:02d}", espeak(word))
        manifest["word"][word] = f"word_{i:02d}.wav"
    (HERE / "clips.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{sum(map(len, manifest.values()))} clips written to {HERE}")


if __name__ == "__main__":
    main()
