"""The staff's volume, applied to the samples themselves (stdlib ``wave`` + ``array``).

Scaling the PCM data works with any player and any sound card: no mixer control, no player
option that one device honours and another ignores.
"""

from __future__ import annotations

import array
import io
import sys
import wave

MAX_VOLUME = 100


class WavError(ValueError):
    """A file that is not PCM WAV with 8- or 16-bit samples."""


def scale_volume(data: bytes, volume: int) -> bytes:
    """The WAV ``data`` with every sample multiplied by ``volume``/100 (0..100)."""
    if not 0 <= volume <= MAX_VOLUME:
        raise ValueError(f"volume {volume} outside 0..{MAX_VOLUME}")
    try:
        with wave.open(io.BytesIO(data), "rb") as reader:
            params = reader.getparams()
            frames = reader.readframes(params.nframes)
    except (wave.Error, EOFError) as exc:
        raise WavError(str(exc)) from exc
    if params.sampwidth == 2:
        samples = array.array("h")
        samples.frombytes(frames)
        if sys.byteorder == "big":
            samples.byteswap()  # WAV is little-endian
        for i, sample in enumerate(samples):
            samples[i] = sample * volume // MAX_VOLUME
        if sys.byteorder == "big":
            samples.byteswap()
        scaled = samples.tobytes()
    elif params.sampwidth == 1:
        # 8-bit WAV is unsigned around 128.
        scaled = bytes(128 + (b - 128) * volume // MAX_VOLUME for b in frames)
    else:
        raise WavError(f"{params.sampwidth * 8}-bit samples are not supported")
    out = io.BytesIO()
    with wave.open(out, "wb") as writer:
        writer.setparams(params)
        writer.writeframes(scaled)
    return out.getvalue()
