-- A series' areas and concerns (series_term) and the views each of its sessions needs
-- (series_view) are part of the series; a person's contraindications and consent are part of
-- the person. They are sets of rows, replaced as a whole, so they carry no version of their
-- own: changing one bumps its parent's version instead (through the parent's own version
-- trigger), and a save made from an older read of the series or person is refused rather
-- than silently undoing the other change. PostgreSQL has the same triggers (pg/007).
CREATE TRIGGER series_term_insert_version AFTER INSERT ON series_term FOR EACH ROW BEGIN
    UPDATE series SET row_version = row_version WHERE id = NEW.series_id;
END;
CREATE TRIGGER series_term_delete_version AFTER DELETE ON series_term FOR EACH ROW BEGIN
    UPDATE series SET row_version = row_version WHERE id = OLD.series_id;
END;
CREATE TRIGGER series_view_insert_version AFTER INSERT ON series_view FOR EACH ROW BEGIN
    UPDATE series SET row_version = row_version WHERE id = NEW.series_id;
END;
CREATE TRIGGER series_view_delete_version AFTER DELETE ON series_view FOR EACH ROW BEGIN
    UPDATE series SET row_version = row_version WHERE id = OLD.series_id;
END;
CREATE TRIGGER contraindication_insert_version AFTER INSERT ON contraindication
FOR EACH ROW BEGIN
    UPDATE person SET row_version = row_version WHERE id = NEW.person_id;
END;
CREATE TRIGGER contraindication_update_version AFTER UPDATE ON contraindication
FOR EACH ROW BEGIN
    UPDATE person SET row_version = row_version WHERE id = NEW.person_id;
END;
CREATE TRIGGER contraindication_delete_version AFTER DELETE ON contraindication
FOR EACH ROW BEGIN
    UPDATE person SET row_version = row_version WHERE id = OLD.person_id;
END;
CREATE TRIGGER consent_insert_version AFTER INSERT ON consent FOR EACH ROW BEGIN
    UPDATE person SET row_version = row_version WHERE id = NEW.person_id;
END;
CREATE TRIGGER consent_update_version AFTER UPDATE ON consent FOR EACH ROW BEGIN
    UPDATE person SET row_version = row_version WHERE id = NEW.person_id;
END;
CREATE TRIGGER consent_delete_version AFTER DELETE ON consent FOR EACH ROW BEGIN
    UPDATE person SET row_version = row_version WHERE id = OLD.person_id;
END;
