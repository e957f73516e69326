"""Files the command line writes: whole or not at all."""

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, data: bytes) -> None:
    """Write the whole file or nothing: a temporary file beside it, renamed over it at the end. The file gets
    the permissions a plainly created file would (a scheduler's board pack is read by others), not the
    owner-only mode of a temporary file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def target_path(out: Path, file_name: str) -> Path:
    """`out` itself, or `file_name` inside it when it is a folder; refused when it cannot be written."""
    from portfolio.errors import InvalidInput

    path = out / file_name if out.is_dir() else out
    if not path.parent.is_dir():
        raise InvalidInput({"out": f"The folder {path.parent} does not exist; create it or choose another."})
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise InvalidInput(
            {"out": f"Cannot write {path}: permission denied. Choose a folder you can write to."}
        )
    return path
