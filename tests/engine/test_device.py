"""Devices: auto picks tinygrad's default; unknown or unusable ones, and a missing clang, are clear errors."""

import pytest

from tutor.engine import device
from tutor.errors import DeviceError


def test_auto_and_cpu_resolve_here():
    assert device.resolve("auto") and device.resolve("cpu") == "CPU"


@pytest.mark.parametrize("name", ["NOPE", "cuda:banana", "METAL"])
def test_unusable_devices_say_so(name):
    with pytest.raises(DeviceError, match="--device"):
        device.resolve(name)


def test_missing_clang_names_the_package(monkeypatch):
    monkeypatch.setattr(device.shutil, "which", lambda _: None)
    with pytest.raises(DeviceError, match="apt-get install clang"):
        device.resolve("CPU")
    with pytest.raises(DeviceError, match="instálalo|Instálalo"):
        device.resolve("CPU", "es")
