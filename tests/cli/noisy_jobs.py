"""A decode-child job that writes to file descriptor 2 the way decord's C++ does (test helper)."""

import os


def write_fd2(text: str) -> str:
    os.write(2, text.encode() + b"\n")
    return "done"
