"""The Nu HTML Checker (vnu.jar, from npm), run on files of HTML."""

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def validation_errors(vnu: Path, files: list[Path]) -> list[str]:
    """Return the checker's errors about `files`, one line each."""
    result = subprocess.run(
        ["java", "-jar", str(vnu), "--format", "json", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    messages = json.loads(result.stderr)["messages"]
    return [
        f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
