"""Where the Japanese TrueType font for the PDF comes from.

The PDF embeds (a subset of) one Japanese font, so it looks the same in Edge, Acrobat and
poppler on a machine with no Japanese fonts of its own. The font must have TrueType
(``glyf``) outlines: ReportLab cannot embed CFF (``OTTO``) fonts such as Noto Sans CJK.

Looked for, in this order:

1. the file named by the environment variable ``KOKAI_PDF_FONT``;
2. IPAexゴシック shipped by the PyPI package ``matplotlib-fontja``
   (``matplotlib_fontja/fonts/ipaexg.ttf``; found without importing the package);
3. Debian's ``fonts-ipaexfont-gothic`` (``/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf``).

IPAex fonts are under the IPA Font License v1.0 (OSI approved), which allows embedding
them in documents. No font file is kept in this repository.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

ENV_VAR = "KOKAI_PDF_FONT"
DEBIAN_IPAEX = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
TRUETYPE_MAGIC = (b"\x00\x01\x00\x00", b"true")


class FontNotFound(RuntimeError):
    """No usable Japanese TrueType font; the message says how to install one."""


def _package_font() -> Path | None:
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        p = Path(folder) / "fonts" / "ipaexg.ttf"
        if p.is_file():
            return p
    return None


def _check_truetype(path: Path) -> Path:
    try:
        with path.open("rb") as f:
            head = f.read(4)
    except OSError as e:
        raise FontNotFound(f"フォントファイル {path} を読めません（{e}）。") from e
    if head not in TRUETYPE_MAGIC:
        raise FontNotFound(
            f"フォントファイル {path} は TrueType（.ttf、glyf アウトライン）ではありません。"
            "CFF 形式の OpenType（.otf）や .ttc は埋め込めないので、IPAexゴシック（ipaexg.ttf）"
            f"などの .ttf を環境変数 {ENV_VAR} で指定してください。"
        )
    return path


def japanese_font_path() -> Path:
    """The TrueType file to embed, or :class:`FontNotFound` saying what to install."""
    named = os.environ.get(ENV_VAR, "").strip()
    if named:
        p = Path(named)
        if not p.is_file():
            raise FontNotFound(f"環境変数 {ENV_VAR} のフォントファイル {p} がありません。パスを確かめてください。")
        return _check_truetype(p)
    for p in (_package_font(), DEBIAN_IPAEX):
        if p is not None and p.is_file():
            return _check_truetype(p)
    raise FontNotFound(
        "PDF に埋め込む日本語フォント（IPAexゴシック）が見つかりません。"
        "`pip install matplotlib-fontja` で入れるか、Debian/Ubuntu では "
        "`apt-get install fonts-ipaexfont-gothic` を実行するか、TrueType（.ttf）の日本語フォントの"
        f"パスを環境変数 {ENV_VAR} に設定してください。"
    )
