"""Decoding: sample frames at a fixed rate with the decoder's real timestamps."""

from vidfp.decode.errors import DecodeError
from vidfp.decode.reader import VideoMeta, decode_video
from vidfp.decode.sampler import sample_indices

__all__ = ["DecodeError", "VideoMeta", "decode_video", "sample_indices"]
