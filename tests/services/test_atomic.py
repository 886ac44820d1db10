"""atomic_path: whole files, with the permissions a user expects (not mkstemp's 0600)."""

import os
import stat

import pytest

from erbm_desk.services.atomic_files import atomic_path, current_umask, final_mode

pytestmark = pytest.mark.skipif(os.name != "posix", reason="permissions POSIX")


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_file_gets_0666_minus_the_umask(tmp_path, umask_022):
    assert current_umask() == 0o022
    target = tmp_path / "bilan.pdf"
    with atomic_path(target) as tmp:
        assert mode_of(tmp) == 0o600  # private while it is written
        tmp.write_bytes(b"%PDF")
    assert target.read_bytes() == b"%PDF" and mode_of(target) == 0o644
    os.umask(0o027)
    other = tmp_path / "graphique.png"
    with atomic_path(other) as tmp:
        tmp.write_bytes(b"png")
    assert mode_of(other) == 0o640


def test_a_replaced_file_keeps_its_permissions(tmp_path, umask_022):
    target = tmp_path / "export.pdf"
    target.write_bytes(b"old")
    os.chmod(target, 0o664)
    with atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert target.read_bytes() == b"new" and mode_of(target) == 0o664


def test_explicit_mode_and_key_material(tmp_path, umask_022):
    with atomic_path(tmp_path / "secret.json", mode=0o600) as tmp:
        tmp.write_text("{}")
    assert mode_of(tmp_path / "secret.json") == 0o600
    with atomic_path(tmp_path / "base.sqlite.cle") as tmp:  # the wrapped key of an encrypted database
        tmp.write_text("{}")
    assert mode_of(tmp_path / "base.sqlite.cle") == 0o600
    assert final_mode(tmp_path / "nouveau.pdf") == 0o644


def test_a_failure_leaves_the_previous_file_and_no_temporary(tmp_path, umask_022):
    target = tmp_path / "bilan.pdf"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("disque plein")
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["bilan.pdf"]
