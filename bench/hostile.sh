#!/usr/bin/env bash
# Peak RSS of a running `lokus serve` while it refuses each hostile upload of issue 17.
# Usage: [FILES="a.xlsx b.csv"] bench/hostile.sh [BIN] (default target/release/lokus). Needs curl, python3.
# For each file the server's peak (VmHWM in /proc/PID/status) is reset before the upload
# (`echo 5 > /proc/PID/clear_refs`) and read after the answer; the server must still answer
# /healthz afterwards. Prints one table row per file.
set -euo pipefail
bin=${1:-target/release/lokus}
dir=$(mktemp -d); port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export LOKUS_DATABASE_URL="sqlite://$dir/h.db" LOKUS_BIND="127.0.0.1:$port" LOKUS_LOG=error LOKUS_RATE_LIMIT=1000000 LOKUS_RATE_BURST=1000000

python3 - "$dir" <<'EOF'
import sys, zipfile
d = sys.argv[1]
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
def book(name, sheet_chunks, shared_chunks=None):
    with zipfile.ZipFile(f"{d}/{name}", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", f'<?xml version="1.0"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>')
        z.writestr("xl/_rels/workbook.xml.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode())
            for chunk in sheet_chunks():
                f.write(chunk)
            f.write(b"</sheetData></worksheet>")
        if shared_chunks:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(f'<?xml version="1.0"?><sst {NS}>'.encode())
                for chunk in shared_chunks():
                    f.write(chunk)
                f.write(b"</sst>")
A1 = b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c><c r="B1" t="inlineStr"><is><t>value</t></is></c></row>'
book("a1_xfd1048576.xlsx", lambda: [A1, b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'])
book("a1_z1000000.xlsx", lambda: [A1, b'<row r="1000000"><c r="Z1000000"><v>1</v></c></row>'])
def inflating():
    yield b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
    block = b"A" * (1 << 24)
    for _ in range(72):  # 1.2 GB
        yield block
    yield b"</t></is></c></row>"
book("inflates_1_2gb.xlsx", inflating)
def strings():
    block = b"<si><t>x</t></si>" * 100_000
    for _ in range(200):  # 20 million
        yield block
def strings_2m():
    block = b"<si><t>x</t></si>" * 100_000
    for _ in range(20):  # 2 million, 34 MB inflated: within the size limit
        yield block
book("shared_2m.xlsx", lambda: [A1, b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>1</v></c></row>'], strings_2m)
book("shared_20m.xlsx", lambda: [A1, b'<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>1</v></c></row>'], strings)
def rows():
    yield A1
    for start in range(2, 1_048_577, 65_536):
        yield b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(start, min(start + 65_536, 1_048_577)))
book("rows_1048576.xlsx", rows)
with open(f"{d}/commas_15mb.csv", "w") as f:
    f.write("," * 15_000_000)
EOF

$bin migrate >/dev/null 2>&1
token=$($bin token create --role editor --label hostile 2>/dev/null | grep -Eo 'lokus_[A-Za-z0-9_-]+')
s=
start() { # a server, started again when a file killed the last one
    $bin serve >/dev/null 2>&1 & s=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
    sleep 5 # the demo warm-up
}
trap 'kill $s 2>/dev/null; rm -rf "$dir"' EXIT
start
hwm() { awk '/VmHWM/ {print int($2 / 1024)}' "/proc/$s/status" 2>/dev/null || echo "-"; }
echo "| file | bytes | answer | peak RSS (MB) | alive after |"
echo "| --- | --- | --- | --- | --- |"
echo "| (idle, after warm-up) | | | $(hwm) | yes |"
for f in ${FILES:-a1_xfd1048576.xlsx a1_z1000000.xlsx inflates_1_2gb.xlsx shared_2m.xlsx shared_20m.xlsx rows_1048576.xlsx commas_15mb.csv}; do
    kill -0 $s 2>/dev/null || start
    type=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
    [[ $f == *.csv ]] && type=text/csv
    echo 5 > "/proc/$s/clear_refs"
    answer=$(curl -s -m 120 -w ' %{http_code}' -X POST "http://127.0.0.1:$port/api/v1/datasets?kind=covariate&year=2023&indicator=poverty" \
        -H "Authorization: Bearer $token" -H "Content-Type: $type" --data-binary "@$dir/$f" || true)
    code=$(echo "$answer" | grep -Eo '"error":"[a-z_]+"' | cut -d'"' -f4 || true)
    status=${answer##* }; [[ $status == 000 || -z $status ]] && status="no answer"
    peak=$(hwm)
    alive=$(curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && echo yes || echo NO)
    echo "| \`$f\` | $(stat -c %s "$dir/$f") | $status ${code:+\`$code\`} | $peak | $alive |"
done
