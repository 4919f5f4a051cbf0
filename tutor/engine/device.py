"""Choosing the tinygrad device, with a clear word when it cannot be used (above all: no clang)."""

import os
import shutil
from functools import cache

from tinygrad import Device

from tutor.config import shown
from tutor.errors import DeviceError
from tutor.i18n import Lang, t

NOT_FOR_TRAINING = ("DISK", "NPY", "TINYFS", "PYTHON", "NULL")  # tinygrad's storage and test backends


def resolve(name: str, lang: Lang = "en") -> str:
    """The canonical tinygrad device for `name` ('auto': tinygrad's default); DeviceError if unusable."""
    if name.lower() == "auto":
        try:
            return _default()
        except RuntimeError:
            message = t("device.no_clang", lang, install=install_clang()) if not has_clang() else t("device.none", lang)
            raise DeviceError(message) from None
    canonical = name.upper()
    known = sorted(d for d in Device._devices if d not in NOT_FOR_TRAINING)
    if canonical.split(":")[0] not in known:
        raise DeviceError(t("device.unknown", lang, device=shown(name), known=", ".join(known)))
    if canonical.startswith("CPU") and not has_clang():
        raise DeviceError(t("device.no_clang", lang, install=install_clang()))
    try:
        return _open(canonical)
    except Exception as err:  # tinygrad raises anything from ImportError to RuntimeError here
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DeviceError(t("device.unavailable", lang, device=shown(name), reason=reason)) from None


def has_clang() -> bool:
    """tinygrad's CPU backend compiles every kernel, even its own worker programs, with clang."""
    return shutil.which("clang") is not None


def install_clang() -> str:
    """The command that installs clang on Debian or Ubuntu: with sudo unless root (who may have no sudo)."""
    return f"{'sudo ' if os.geteuid() != 0 and shutil.which('sudo') else ''}apt-get install -y clang"


@cache
def _default() -> str:
    return _open(Device.DEFAULT)


@cache
def _open(canonical: str) -> str:
    return Device[canonical].device
