"""Devices: auto picks tinygrad's default; unknown or unusable ones, and a missing clang, are clear errors."""

import ast
import subprocess
import sys

import pytest

from tutor.config import flag
from tutor.engine import device
from tutor.errors import DeviceError


def test_auto_and_cpu_resolve_here():
    assert device.resolve("auto") and device.resolve("cpu") == "CPU"


@pytest.mark.parametrize("name", ["NOPE", "cuda:banana", "METAL"])
def test_unusable_devices_say_so(name):
    """In words for the app and the replies, by its flag on the command line."""
    with pytest.raises(DeviceError, match=f"^the device {name}: ") as err:
        device.resolve(name)
    assert "--" not in str(err.value)
    with pytest.raises(DeviceError, match=f"^el dispositivo {name}: .*(uno de|prueba el dispositivo auto)"):
        device.resolve(name, "es")
    with pytest.raises(DeviceError, match=f"^--device {name}: "):
        device.resolve(name, "en", named=flag)


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


def test_auto_without_a_gpu_opens_no_backend():
    """Not even the CPU's: opening it costs about a second (as DEV=CPU would make it: conftest unsets DEV). How
    fast `auto` is, is train_speed's figure."""
    probe = (
        "import sys\n"
        "from tutor.engine import device\n"
        "print(device.resolve('auto'), sorted(m for m in sys.modules if m.startswith('tinygrad.runtime.ops_')))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    if any(device.present(b) for b in ("METAL", "AMD", "NV", "QCOM", "CL")):
        pytest.skip("this machine has a GPU")
    name, opened = out.split(" ", 1)
    assert name == "CPU" and ast.literal_eval(opened) == []


@pytest.mark.parametrize(("backend", "node"), [("NV", "dev/nvidiactl"), ("CUDA", "dev/nvidiactl"), ("AMD", "dev/kfd"),
                                               ("QCOM", "dev/kgsl-3d0"), ("CL", "etc/OpenCL/vendors/pocl.icd")])
def test_a_gpu_is_seen_by_its_driver_files(tmp_path, backend, node):
    assert not device.present(backend, tmp_path)
    (tmp_path / node).parent.mkdir(parents=True)
    (tmp_path / node).touch()  # as a driver installed since the last start leaves it
    assert device.present(backend, tmp_path)
