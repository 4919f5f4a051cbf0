"""Choosing the tinygrad device, with a clear word when it cannot be used (above all: no clang)."""

import os
import shutil
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path

from tinygrad import Device
from tinygrad.device import ALL_DEVICES

from tutor.config import shown
from tutor.errors import DeviceError
from tutor.i18n import Lang, t

NOT_FOR_TRAINING = ("DISK", "NPY", "TINYFS", "PYTHON", "NULL")  # tinygrad's storage and test backends


def resolve(name: str, lang: Lang = "en", named: Callable[[str], str] | None = None) -> str:
    """The canonical tinygrad device for `name` ('auto': tinygrad's default); DeviceError if unusable, naming
    the setting as the reader knows it (`named`; default: in words, as the app and the replies do)."""
    device = (named or (lambda field: t(f"diagnose.field.{field}", lang)))("device")
    if name.lower() == "auto":
        try:
            return _default()
        except RuntimeError:
            if not has_clang():
                raise DeviceError(t("device.no_clang", lang, install=install_clang())) from None
            raise DeviceError(t("device.none", lang, device=device)) from None
    canonical = name.upper()
    known = sorted(d for d in Device._devices if d not in NOT_FOR_TRAINING)
    if canonical.split(":")[0] not in known:
        raise DeviceError(t("device.unknown", lang, device=device, value=shown(name), known=", ".join(known)))
    if canonical.startswith("CPU") and not has_clang():
        raise DeviceError(t("device.no_clang", lang, install=install_clang()))
    if canonical == "CPU":
        return canonical  # with clang it opens; opening it costs seconds a cached shape does not need
    try:
        return _open(canonical)
    except Exception as err:  # tinygrad raises anything from ImportError to RuntimeError here
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DeviceError(t("device.unavailable", lang, device=device, value=shown(name), reason=reason)) from None


def has_clang() -> bool:
    """tinygrad's CPU backend compiles every kernel, even its own worker programs, with clang."""
    return shutil.which("clang") is not None


def install_clang() -> str:
    """The command that installs clang on Debian or Ubuntu: with sudo unless root (who may have no sudo)."""
    return f"{'sudo ' if os.geteuid() != 0 and shutil.which('sudo') else ''}apt-get install -y clang"


def present(backend: str, root: Path = Path("/")) -> bool:
    """A cheap sign that `backend` could open here (a platform, a device node, a driver's file).

    tinygrad finds its default by opening each backend in turn, ~1.2 s on a machine without a GPU;
    these checks take microseconds and are made at every start, so a GPU installed later is found."""
    match backend:
        case "METAL":
            return sys.platform == "darwin"
        case "AMD":
            return (root / "dev/kfd").exists()
        case "NV" | "CUDA":
            return (root / "dev/nvidiactl").exists()
        case "QCOM":
            return (root / "dev/kgsl-3d0").exists()
        case "CL":
            return any((root / "etc/OpenCL/vendors").glob("*.icd"))
        case "CPU":
            return has_clang()
    return False


@cache
def _default() -> str:
    """tinygrad's default device, trying only the backends `present` here (all of them on Windows,
    or when `DEV` names one). The CPU, last in line, is named without opening it: with clang it opens."""
    if os.environ.get("DEV") or sys.platform == "win32":
        return _open(Device.DEFAULT)
    for backend in ALL_DEVICES:
        if present(backend):
            try:
                return "CPU" if backend == "CPU" else _open(backend)
            except Exception:  # noqa: BLE001  a backend whose driver is there but broken: try the next
                continue
    raise RuntimeError("no usable devices")


@cache
def _open(canonical: str) -> str:
    return Device[canonical].device
