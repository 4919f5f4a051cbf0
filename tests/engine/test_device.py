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
    with pytest.raises(DeviceError, match="apt-get install -y clang"):
        device.resolve("CPU")
    with pytest.raises(DeviceError, match="instálalo|Instálalo"):
        device.resolve("CPU", "es")


@pytest.mark.parametrize("uid, sudo, command", [(0, None, "apt-get"), (0, "/usr/bin/sudo", "apt-get"),
                                                (1000, "/usr/bin/sudo", "sudo apt-get"), (1000, None, "apt-get")])
def test_the_clang_command_uses_sudo_only_where_it_helps(monkeypatch, uid, sudo, command):
    """As root (containers have no sudo) plain apt-get; as a user, through sudo when there is one."""
    monkeypatch.setattr(device.os, "geteuid", lambda: uid)
    monkeypatch.setattr(device.shutil, "which", lambda name: sudo if name == "sudo" else None)
    with pytest.raises(DeviceError) as err:
        device.resolve("CPU", "en")
    assert str(err.value).endswith(f": {command} install -y clang")
