"""Keeps only the named OpenType language systems of a face (and every script's default one).

Usage: keep-language-systems.py SOURCE FACE_INDEX OUTPUT TAG [TAG ...]

Noto CJK's GSUB and GPOS hold language systems for Japanese, Korean and Traditional Chinese
(JAN, KOR, ZHT, ZHH) beside Simplified Chinese (ZHS). The renderer shapes all text as zh-CN, so
HarfBuzz only ever selects ZHS (or a script's default); the other systems' `locl` lookups only
pull thousands of variant glyphs into every subset a closure over the layout tables makes.
Dropping the records changes no shaping result for the kept languages (OpenType spec, "Script
list table": a shaper selects one language system per script). The other tables are copied
byte for byte: only GSUB and GPOS are rewritten.
"""
import sys

from fontTools.ttLib import TTFont


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    source, face_index, output, tags = argv[1], int(argv[2]), argv[3], set(argv[4:])
    # The source's timestamps and boxes are kept: the same fonts make the same files.
    font = TTFont(source, fontNumber=face_index, lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    for table_tag in ("GSUB", "GPOS"):
        if table_tag not in font:
            continue
        for record in font[table_tag].table.ScriptList.ScriptRecord:
            kept = [r for r in record.Script.LangSysRecord if r.LangSysTag.strip() in tags]
            record.Script.LangSysRecord = kept
            record.Script.LangSysCount = len(kept)
    font.save(output)


if __name__ == "__main__":
    main(sys.argv)
