"""Build the one-folder bundle (`make bundle`) and render the Windows installer script with the package version."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def render_inno(app_version: str) -> Path:
    template = (ROOT / "installer" / "pathways.iss.in").read_text(encoding="utf-8")
    out = ROOT / "dist" / "pathways.iss"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(template.replace("@VERSION@", app_version), encoding="utf-8")
    return out


def main() -> int:
    app_version = version("pathways")
    env = {**os.environ, "PATHWAYS_VERSION": app_version}
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(ROOT / "dist"), "--workpath", str(ROOT / "build"),
           str(ROOT / "installer" / "pathways.spec")]
    result = subprocess.run(cmd, env=env, check=False)
    if result.returncode:
        return result.returncode
    iss = render_inno(app_version)
    bundle = ROOT / "dist" / "pathways"
    seen: set[int] = set()
    size = 0
    for f in bundle.rglob("*"):
        if f.is_file() and not f.is_symlink() and f.stat().st_ino not in seen:
            seen.add(f.stat().st_ino)
            size += f.stat().st_size
    print(f"bundle: {bundle} ({size / 1e6:.0f} MB); Windows installer script: {iss}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
