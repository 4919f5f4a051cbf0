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
    probe = (
        "import sys, time\n"
        "from tutor.engine import device\n"
        "start = time.perf_counter(); name = device.resolve('auto'); took = time.perf_counter() - start\n"
        "opened = sorted(m for m in sys.modules if m.startswith('tinygrad.runtime.ops_'))\n"
        "print(name, took, opened)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split(" ", 2)
    if any(device.present(b) for b in ("METAL", "AMD", "NV", "QCOM", "CL")):
        pytest.skip("this machine has a GPU")
    # no GPU backend opened (once, in a full CI run, ops_cpu was loaded too: not understood yet, see the
    # closing note of stop 12); the time (well under 50 ms idle) is loose here: a loaded CI must not fail it
    opened = [m for m in ast.literal_eval(out[2]) if m != "tinygrad.runtime.ops_cpu"]
    assert out[0] == "CPU" and opened == [] and float(out[1]) < 1.0


@pytest.mark.parametrize(("backend", "node"), [("NV", "dev/nvidiactl"), ("CUDA", "dev/nvidiactl"), ("AMD", "dev/kfd"),
                                               ("QCOM", "dev/kgsl-3d0"), ("CL", "etc/OpenCL/vendors/pocl.icd")])
def test_a_gpu_is_seen_by_its_driver_files(tmp_path, backend, node):
    assert not device.present(backend, tmp_path)
    (tmp_path / node).parent.mkdir(parents=True)
    (tmp_path / node).touch()  # as a driver installed since the last start leaves it
    assert device.present(backend, tmp_path)
