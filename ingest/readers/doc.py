"""Old Word .doc reader: the ``antiword`` program writes the text, one paragraph a line."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from ingest.records import CorruptFile, EmptyDocument, EncryptedFile, Line, Page, UnsupportedFormat

_TIMEOUT_S = 120


def read_doc(path: Path, data: bytes) -> tuple[Page, ...]:
    """Old Word .doc through the ``antiword`` binary, one paragraph a line (blank lines kept)."""
    binary = shutil.which("antiword")
    if binary is None:
        raise UnsupportedFormat(path, ".doc needs the antiword program: install it (apt-get install antiword) "
                                      "or save the file as .docx")
    try:
        # -w 0: no wrapping, so a paragraph is one line
        result = subprocess.run([binary, "-w", "0", "-m", "UTF-8.txt", "-"], input=data,
                                capture_output=True, timeout=_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired as exc:
        raise CorruptFile(path, f"antiword did not finish within {_TIMEOUT_S} s") from exc
    err = result.stderr.decode("utf-8", "replace").strip()
    if result.returncode != 0:
        if "encrypt" in err.lower() or "password" in err.lower():
            raise EncryptedFile(path, "the .doc is password-protected; save an unprotected copy")
        raise CorruptFile(path, f"antiword cannot read it: {err or 'exit status ' + str(result.returncode)}")
    text = result.stdout.decode("utf-8", "replace")
    lines = [ln.rstrip() for ln in re.split(r"\r\n|\r|\n", text)]
    if not any(ln.strip() for ln in lines):
        raise EmptyDocument(path, "the .doc has no text")
    return (Page(number=None, lines=tuple(Line(ln) for ln in lines)),)
