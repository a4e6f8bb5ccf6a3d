#!/usr/bin/env bash
# Prepares fonts/generated/ from Debian's font packages (fonts-noto-cjk, fonts-hanazono).
#
# The stock Noto CJK fonts are CFF collections whose glyphs share global subroutines; a PDF subset
# of them carries ~500 KB of subroutines however few glyphs it uses. Extracting the SC face and
# desubroutinizing it (hb-subset, keeping every code point and name) lets cairo embed only the
# glyphs a document uses. Hints are dropped too: they only steer low-resolution screen
# rasterisers, and a print-ready PDF is rasterised at printer resolution.
# Only what shapes horizontal zh-CN text is kept of the layout tables: the ZHS language system
# (scripts/lib/keep-language-systems.py) and the features HarfBuzz applies to horizontal text
# unless asked for others (hb-ot-shape.cc: common and horizontal features; the renderer asks for
# none). The Japanese, Korean and Traditional Chinese `locl` forms, `aalt` and the vertical forms
# (20,000 glyphs of the 65,000) would otherwise stay in every face: cairo copies and parses a
# face's whole font program for each PDF that uses it.
# HanaMin A/B are TrueType (no subroutines) and are linked as they are.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out="$here/fonts/generated"
noto=/usr/share/fonts/opentype/noto
hana=/usr/share/fonts/truetype/hanazono
mkdir -p "$out"

# TTC face order in Noto CJK collections: 0 JP, 1 KR, 2 SC, 3 TC, 4 HK.
sc_face=2
horizontal_features='rvrn,ltra,ltrm,frac,numr,dnom,rand,trak,abvm,blwm,ccmp,locl,mark,mkmk,rlig,calt,clig,curs,dist,kern,liga,rclt'
keep_language_systems="$here/scripts/lib/keep-language-systems.py"
# A face is made again when its source, this script or the helper changed since.
stale() {   # output file, its sources...
  local dst=$1; shift
  [ ! -s "$dst" ] || [ "$0" -nt "$dst" ] || [ "$keep_language_systems" -nt "$dst" ] ||
    [ -n "$(find "$@" -newer "$dst" -print -quit)" ]
}
extract_sc() {   # source collection, output file
  local src=$1 dst=$2
  if stale "$dst" "$src"; then
    echo "prepare-fonts: extracting SC face of $(basename "$src")"
    # Debian's interpreter: python3-fonttools is installed for it.
    /usr/bin/python3 "$keep_language_systems" "$src" $sc_face "$dst.zhs" ZHS
    hb-subset --unicodes='*' --layout-features="$horizontal_features" --name-IDs='*' \
      --desubroutinize --no-hinting --output-file="$dst.tmp" "$dst.zhs"
    rm "$dst.zhs"
    mv "$dst.tmp" "$dst"
  fi
}
# Two at a time (two cores); a job that fails stops the script (a bare `wait` would hide it).
both() {   # function, then two argument pairs
  local run=$1
  "$run" "$2" "$3" & local first=$!
  "$run" "$4" "$5" & local second=$!
  wait "$first"
  wait "$second"
}
both extract_sc "$noto/NotoSerifCJK-Regular.ttc" "$out/NotoSerifCJKsc-Regular.otf" \
                "$noto/NotoSerifCJK-Bold.ttc"    "$out/NotoSerifCJKsc-Bold.otf"
both extract_sc "$noto/NotoSansCJK-Regular.ttc"  "$out/NotoSansCJKsc-Regular.otf" \
                "$noto/NotoSansCJK-Bold.ttc"     "$out/NotoSansCJKsc-Bold.otf"
# Common-character faces: a PDF that embeds a font pays for the size of the whole face (cairo
# copies and parses the whole font program for every file), so the faces the
# renderer tries first hold only what agreements print almost always — the 6,763 characters of
# GB 2312, ASCII, Latin-1, CJK and fullwidth punctuation, and every character of the layouts and
# code lists. Anything else (a rare surname) falls back to the full faces above.
common_text="$out/common-characters.hex"
common_sources=("$here"/layouts/*.json "$here"/layouts/codes/*.json "$here"/src/render/*.cpp "$here"/src/workflow/*.cpp "$here"/src/core/*.cpp)
if [ ! -s "$common_text" ] || [ -n "$(find "${common_sources[@]}" -newer "$common_text" -print -quit)" ]; then
  # Code points in hex, one list: GB 2312's two-byte rows decoded by iconv, then the files' text.
  { perl -e 'for $h (0xA1..0xF7) { for $l (0xA1..0xFE) { print chr($h), chr($l) } }' | iconv -c -f GB2312 -t UTF-8
    cat "${common_sources[@]}"
  } | iconv -f UTF-8 -t UTF-32BE | od -An -v -tx4 --endian=big | tr -s ' \n' '\n\n' | sed '/^$/d' | sort -u |
    paste -sd, > "$common_text.tmp"
  mv "$common_text.tmp" "$common_text"
fi
common_unicodes='20-7E,A0-FF,2000-206F,2100-214F,2460-24FF,2E80-2FDF,3000-303F,31C0-31EF,FE30-FE4F,FF00-FFEF'
common_face() {   # full face, output file
  local src=$1 dst=$2
  if stale "$dst" "$src" "$common_text"; then
    echo "prepare-fonts: common characters of $(basename "$src")"
    hb-subset --unicodes-file="$common_text" --unicodes+="$common_unicodes" --layout-features="$horizontal_features" --name-IDs='*' \
      --no-hinting --output-file="$dst.tmp" "$src"
    mv "$dst.tmp" "$dst"
  fi
}
for style in Serif Sans; do
  both common_face "$out/Noto${style}CJKsc-Regular.otf" "$out/Noto${style}CJKsc-Regular.common.otf" \
                   "$out/Noto${style}CJKsc-Bold.otf"    "$out/Noto${style}CJKsc-Bold.common.otf"
done

ln -sf "$hana/HanaMinA.ttf" "$out/HanaMinA.ttf"
ln -sf "$hana/HanaMinB.ttf" "$out/HanaMinB.ttf"
echo "prepare-fonts: fonts ready in $out"
