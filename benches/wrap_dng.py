# Wraps each JPEG into a DNG-structured file (IFD0 with DNGVersion, orientation, EXIF date, a
# 24 MB stand-in for the sensor data as strips, the JPEG as the full-size preview), as a phone's
# or camera's RAW carries its preview.
import struct, sys, os, glob
src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)
sensor = bytes((i * 7) % 251 for i in range(1 << 16)) * 384  # 24 MiB, never 0xFF
for n, path in enumerate(sorted(glob.glob(src + '/*.jpg'))):
    jpeg = open(path, 'rb').read()
    out = bytearray(b'II*\x00\x00\x00\x00\x00')
    exif_at = len(out)
    date = b'2024:05:06 07:08:09\x00'
    # Exif IFD: DateTimeOriginal
    out += struct.pack('<H', 1) + struct.pack('<HHII', 0x9003, 2, len(date), exif_at + 2 + 12 + 4) + b'\0\0\0\0' + date
    sensor_at = len(out); out += sensor
    preview_at = len(out); out += jpeg
    if len(out) % 2: out += b'\0'
    ifd0 = len(out)
    entries = sorted([
        (0x0100, 3, 1, struct.pack('<HH', 4000, 0)), (0x0101, 3, 1, struct.pack('<HH', 3000, 0)),
        (0x0103, 3, 1, struct.pack('<HH', 1, 0)), (0x0111, 4, 1, struct.pack('<I', sensor_at)),
        (0x0112, 3, 1, struct.pack('<HH', 1, 0)), (0x0117, 4, 1, struct.pack('<I', len(sensor))),
        (0x0201, 4, 1, struct.pack('<I', preview_at)), (0x0202, 4, 1, struct.pack('<I', len(jpeg))),
        (0x8769, 4, 1, struct.pack('<I', exif_at)), (0xC612, 1, 4, bytes([1, 4, 0, 0])),
    ])
    out += struct.pack('<H', len(entries))
    for tag, typ, count, val in entries:
        out += struct.pack('<HHI', tag, typ, count) + val
    out += b'\0\0\0\0'
    out[4:8] = struct.pack('<I', ifd0)
    open(f'{dst}/IMG_{n:04}.dng', 'wb').write(out)
