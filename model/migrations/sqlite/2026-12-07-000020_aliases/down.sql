ALTER TABLE region_aliases DROP COLUMN added_at;
ALTER TABLE region_aliases DROP COLUMN added_by;
ALTER TABLE region_aliases DROP COLUMN source;
