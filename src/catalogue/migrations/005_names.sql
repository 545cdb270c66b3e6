-- Skinlapse catalogue, schema version 5: file names kept exactly.

-- A file name is bytes; `original_name` holds its printable form (control characters and
-- bytes that are not UTF-8 escaped), this column the exact bytes when they differ from it.
ALTER TABLE photo ADD COLUMN original_name_raw BLOB;
