-- An export of a patient's record without photos (the series' CSV) is recorded too: one
-- event naming the patient, with its purpose. The checks are 002's, unchanged.

SET search_path = skinlapse, pg_temp;

CREATE OR REPLACE FUNCTION record_export(p_person BIGINT, p_purpose TEXT, p_photos BIGINT[])
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
DECLARE
    who TEXT := (SELECT name FROM person WHERE id = p_person);
    c consent%ROWTYPE;
    today TEXT := to_char(current_date, 'YYYY-MM-DD');
    p BIGINT;
BEGIN
    IF NOT pg_has_role(session_user, role_of('clinician'), 'MEMBER') THEN
        RAISE EXCEPTION 'exporting needs a clinician or an admin; % is not one', session_user
            USING ERRCODE = 'SL001';
    END IF;
    IF who IS NULL THEN
        RAISE EXCEPTION 'there is no patient %', p_person USING ERRCODE = 'SL001';
    END IF;
    IF coalesce((SELECT value FROM setting WHERE key = 'mode'), 'personal') = 'clinic' THEN
        IF p_purpose IS NULL OR p_purpose = '' THEN
            RAISE EXCEPTION 'an export in clinic mode needs a purpose' USING ERRCODE = 'SL001';
        END IF;
        SELECT * INTO c FROM consent WHERE person_id = p_person AND scope = p_purpose;
        IF NOT FOUND OR c.given_on > today THEN
            RAISE EXCEPTION '% has not consented to %', who, p_purpose USING ERRCODE = 'SL001';
        END IF;
        IF c.withdrawn_on IS NOT NULL AND c.withdrawn_on <= today THEN
            RAISE EXCEPTION '% withdrew consent to % on %', who, p_purpose, c.withdrawn_on
                USING ERRCODE = 'SL001';
        END IF;
    END IF;
    -- An export of the record alone (the series' CSV) names the patient, not photos.
    IF cardinality(p_photos) = 0 THEN
        PERFORM audit_write('export', 'person', p_person, p_person, p_purpose, NULL);
    END IF;
    FOREACH p IN ARRAY p_photos LOOP
        IF NOT EXISTS (SELECT 1 FROM photo WHERE id = p AND person_id = p_person) THEN
            RAISE EXCEPTION 'photo % is not %''s', p, who USING ERRCODE = 'SL001';
        END IF;
        PERFORM audit_write('export', 'photo', p, p_person, p_purpose, NULL);
    END LOOP;
END $$;
