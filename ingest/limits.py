"""Size limits that keep one hostile or broken file from exhausting memory or time during ingest.

Each is far above anything in the real corpus (measured: largest file 3.4 MB, largest HWPX 9.2 MB
unpacked at a ratio of at most 23:1, longest paragraph 606 characters).
"""

from __future__ import annotations

MAX_FILE_MB = 100  # default of Settings.max_file_mb: larger files are skipped before they are read
MAX_UNPACKED_BYTES = 256 * 2**20  # an HWPX's section XML, or an HWP's sections, once decompressed
MAX_BLOCK_CHARS = 20_000  # one paragraph or table row; longer is data or an encoded blob, not prose
