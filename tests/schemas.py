"""The offline schemas in ../shared/schemas, loaded for lxml."""

import functools
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import etree

SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"


def schema_path(name: str) -> Path:
    path = SCHEMAS / name
    if not path.exists():
        pytest.fail(
            f"{path} is missing: the schemas live in shared/ beside the checkout"
        )
    return path


@functools.cache
def xml_schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schema_path(name))))


@functools.cache
def atom_relax_ng(tmp_dir: str) -> etree.RelaxNG:
    """Return Atom's RELAX NG grammar, converted from compact syntax by trang."""
    if not shutil.which("trang"):
        pytest.fail("trang is missing: .ci/run installs it (Debian package trang)")
    rng = Path(tmp_dir) / "atom.rng"
    subprocess.run(["trang", str(schema_path("atom.rnc")), str(rng)], check=True)
    return etree.RelaxNG(etree.parse(str(rng)))
