-- Skinlapse catalogue, migration 010: companion originals of a photo. A camera RAW shot
-- together with a JPEG/HEIF (same folder, same name, same capture time and camera) is kept
-- byte for byte beside the photo, which shows the JPEG. A companion has no previews of its
-- own; it is one of the library's originals (verify, backup, purge keep it with its photo).
CREATE TABLE photo_companion (
    photo_id      INTEGER NOT NULL REFERENCES photo(id) ON DELETE CASCADE,
    hash          TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
    format        TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'tiff', 'heif',
                      'avif', 'dng', 'cr2', 'cr3', 'nef', 'arw')),
    original_name TEXT NOT NULL,
    file_size     INTEGER NOT NULL CHECK (file_size >= 0),
    PRIMARY KEY (photo_id, hash)
) WITHOUT ROWID;
