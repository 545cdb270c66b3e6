-- A clinic: users, roles the database enforces, and an append-only audit trail.
--
-- The roles exist before this runs (`clinic create` makes them, cluster-wide, prefixed with
-- the database's name so two clinics on one server stay apart). The runner replaces the
-- tokens @owner @admin @clinician @assistant @pending with their quoted names and @@owner …
-- @@pending with their plain names inside string literals.
--
-- admin ⊃ clinician ⊃ assistant (role membership); a new user is only @pending until their
-- first password change, and can then do nothing but change it, in the app or in psql.

SET search_path = skinlapse, pg_temp;

CREATE TABLE clinic_role (
    kind TEXT COLLATE "C" PRIMARY KEY
         CHECK (kind IN ('owner', 'admin', 'clinician', 'assistant', 'pending')),
    name TEXT COLLATE "C" NOT NULL UNIQUE
);
INSERT INTO clinic_role VALUES ('owner', '@@owner'), ('admin', '@@admin'),
    ('clinician', '@@clinician'), ('assistant', '@@assistant'), ('pending', '@@pending');

CREATE FUNCTION role_of(k TEXT) RETURNS TEXT LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = skinlapse, pg_temp
    AS $$ SELECT name FROM clinic_role WHERE kind = k $$;

CREATE TABLE app_user (
    name                 TEXT COLLATE "C" PRIMARY KEY,
    role                 TEXT COLLATE "C" NOT NULL
                         CHECK (role IN ('admin', 'clinician', 'assistant')),
    must_change_password BOOLEAN NOT NULL DEFAULT true,
    created_by           TEXT COLLATE "C" NOT NULL DEFAULT session_user,
    created_at           TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    disabled_at          TIMESTAMPTZ
);

-- ---------------------------------------------------------------------------------------
-- The audit trail. Rows come only from the functions and triggers below (owned by @owner);
-- nobody may change or remove one, the owner included, short of dropping the triggers.
CREATE TABLE audit_event (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    user_name   TEXT COLLATE "C" NOT NULL DEFAULT session_user,
    workstation TEXT COLLATE "C" NOT NULL DEFAULT current_setting('application_name'),
    client_addr INET DEFAULT inet_client_addr(),
    action      TEXT COLLATE "C" NOT NULL CHECK (action IN ('view', 'edit', 'import', 'export',
                    'consent', 'delete', 'sign-in', 'user', 'settings')),
    target_kind TEXT COLLATE "C" NOT NULL,
    target_id   BIGINT,
    -- No foreign key: the trail outlives the patient's row.
    person_id   BIGINT,
    person_name TEXT COLLATE "C",
    purpose     TEXT COLLATE "C",
    detail      JSONB
);
CREATE INDEX audit_by_person ON audit_event (person_id, at);
CREATE INDEX audit_by_at ON audit_event (at);
CREATE INDEX audit_by_user ON audit_event (user_name, at);

CREATE FUNCTION audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: its rows cannot be changed or removed'
        USING ERRCODE = 'SL002';
END $$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_immutable();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION audit_immutable();

-- One row of the trail; user, time and workstation come from the session, never from the
-- caller. Not executable by users: they go through audit_view / record_export.
CREATE FUNCTION audit_write(p_action TEXT, p_kind TEXT, p_target BIGINT, p_person BIGINT,
                            p_purpose TEXT, p_detail JSONB)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
    INSERT INTO audit_event (action, target_kind, target_id, person_id, person_name, purpose,
                             detail)
    VALUES (p_action, p_kind, p_target, p_person,
            (SELECT name FROM person WHERE id = p_person), p_purpose, p_detail)
$$;

-- The patient a row belongs to, for the trail.
CREATE FUNCTION person_of(tbl TEXT, r JSONB) RETURNS BIGINT LANGUAGE plpgsql STABLE
    SET search_path = skinlapse, pg_temp AS $$
DECLARE
    series_person BIGINT;
BEGIN
    CASE tbl
    WHEN 'person' THEN RETURN (r->>'id')::BIGINT;
    WHEN 'series', 'contraindication', 'consent', 'consent_event' THEN
        RETURN (r->>'person_id')::BIGINT;
    WHEN 'photo' THEN RETURN (r->>'person_id')::BIGINT;
    WHEN 'session', 'series_term', 'series_view' THEN
        SELECT person_id INTO series_person FROM series WHERE id = (r->>'series_id')::BIGINT;
        RETURN series_person;
    WHEN 'side_effect' THEN
        SELECT s.person_id INTO series_person FROM session x JOIN series s ON s.id = x.series_id
         WHERE x.id = (r->>'session_id')::BIGINT;
        RETURN series_person;
    WHEN 'grade' THEN
        IF r->>'photo_id' IS NOT NULL THEN
            RETURN (SELECT person_id FROM photo WHERE id = (r->>'photo_id')::BIGINT);
        END IF;
        SELECT s.person_id INTO series_person FROM session x JOIN series s ON s.id = x.series_id
         WHERE x.id = (r->>'session_id')::BIGINT;
        RETURN series_person;
    WHEN 'photo_term', 'photo_companion', 'alignment', 'region', 'measurement',
         'card_correction', 'landmark' THEN
        RETURN (SELECT person_id FROM photo WHERE id = (r->>'photo_id')::BIGINT);
    ELSE RETURN NULL;
    END CASE;
END $$;

-- Every edit, import, delete and consent change, recorded by the database itself: an edit
-- made in psql is recorded as one made in the app. Blobs are left out; an update records
-- only what changed, as {column: [old, new]}.
CREATE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = skinlapse, pg_temp AS $$
DECLARE
    old_row JSONB := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
    new_row JSONB := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
    r JSONB := coalesce(new_row, old_row);
    detail JSONB;
    act TEXT;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_object_agg(n.key, jsonb_build_array(old_row->n.key, n.value)) INTO detail
          FROM jsonb_each(new_row) n
         WHERE n.value IS DISTINCT FROM old_row->n.key
           AND n.key NOT IN ('row_version', 'changed_by', 'changed_at', 'landmarks',
                             'original_name_raw');
        IF detail IS NULL THEN
            RETURN NULL;
        END IF;
    ELSE
        detail := r - 'landmarks' - 'original_name_raw';
    END IF;
    act := CASE
        WHEN TG_TABLE_NAME IN ('consent', 'consent_event') THEN 'consent'
        WHEN TG_TABLE_NAME = 'photo' AND TG_OP = 'INSERT' THEN 'import'
        WHEN TG_TABLE_NAME = 'setting' THEN 'settings'
        WHEN TG_OP = 'DELETE' THEN 'delete'
        ELSE 'edit' END;
    PERFORM audit_write(act, TG_TABLE_NAME,
        coalesce((r->>'id')::BIGINT, (r->>'photo_id')::BIGINT, (r->>'series_id')::BIGINT,
                 (r->>'person_id')::BIGINT),
        person_of(TG_TABLE_NAME, r), nullif(current_setting('skinlapse.purpose', true), ''),
        detail);
    RETURN NULL;
END $$;

-- Tell the other workstations something changed (they LISTEN and refresh).
CREATE FUNCTION notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('skinlapse_change', TG_TABLE_NAME);
    RETURN NULL;
END $$;
-- Every data table tells the other workstations when it changed; all but the machine-made
-- face data are in the audit trail, row by row.
DO $$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['person', 'series', 'session', 'photo', 'photo_companion',
        'photo_term', 'series_term', 'series_view', 'grade', 'side_effect', 'contraindication', 'consent',
        'consent_event', 'alignment', 'landmark', 'face', 'region', 'measurement',
        'card_correction', 'setting', 'term']
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                        FOR EACH STATEMENT EXECUTE FUNCTION notify_change()',
                       t || '_notify', t);
        IF t <> 'face' THEN
            EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I
                            FOR EACH ROW EXECUTE FUNCTION audit_change()', t || '_audit', t);
        END IF;
    END LOOP;
END $$;

-- ---------------------------------------------------------------------------------------
-- What the app asks the database to record or decide.

-- A view of a patient's photos or record; called inside the reading transaction.
CREATE FUNCTION audit_view(p_kind TEXT, p_target BIGINT, p_person BIGINT)
    RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
    SELECT audit_write('view', p_kind, p_target, p_person, NULL, NULL)
$$;

-- An export: allowed to clinicians, within the patient's consent for the purpose (in clinic
-- mode), recorded photo by photo with its purpose. Refusals are SQLSTATE SL001.
CREATE FUNCTION record_export(p_person BIGINT, p_purpose TEXT, p_photos BIGINT[])
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
    FOREACH p IN ARRAY p_photos LOOP
        IF NOT EXISTS (SELECT 1 FROM photo WHERE id = p AND person_id = p_person) THEN
            RAISE EXCEPTION 'photo % is not %''s', p, who USING ERRCODE = 'SL001';
        END IF;
        PERFORM audit_write('export', 'photo', p, p_person, p_purpose, NULL);
    END LOOP;
END $$;

-- A password arrives as a SCRAM verifier, never as clear text (which would reach the logs).
CREATE FUNCTION check_verifier(v TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF v NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'the password must arrive as a SCRAM-SHA-256 verifier'
            USING ERRCODE = 'SL001';
    END IF;
END $$;

-- A new user: a login that is only @pending until its first password change. The password
-- arrives as a SCRAM verifier, never as clear text.
CREATE FUNCTION user_add(p_name TEXT, p_role TEXT, p_verifier TEXT)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
BEGIN
    IF p_name !~ '^[a-z0-9][a-z0-9._-]{0,62}$' THEN
        RAISE EXCEPTION 'a user name is lower-case letters, digits, ".", "_" or "-": "%" is not',
            p_name USING ERRCODE = 'SL001';
    END IF;
    IF p_role NOT IN ('admin', 'clinician', 'assistant') THEN
        RAISE EXCEPTION 'the role is admin, clinician or assistant, not "%"', p_role
            USING ERRCODE = 'SL001';
    END IF;
    PERFORM check_verifier(p_verifier);
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_name) THEN
        RAISE EXCEPTION 'there is already a user or database role named %', p_name
            USING ERRCODE = 'SL001';
    END IF;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE %I', p_name, p_verifier,
                   role_of('pending'));
    INSERT INTO app_user (name, role) VALUES (p_name, p_role);
    PERFORM audit_write('user', 'user', NULL, NULL, NULL,
                        jsonb_build_object('added', p_name, 'role', p_role));
END $$;

-- The signed-in user's new password; the first one also gives them their role.
CREATE FUNCTION change_password(p_verifier TEXT)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
DECLARE
    u app_user%ROWTYPE;
BEGIN
    SELECT * INTO u FROM app_user WHERE name = session_user;
    IF NOT FOUND OR u.disabled_at IS NOT NULL THEN
        RAISE EXCEPTION '% is not an active user of this clinic', session_user
            USING ERRCODE = 'SL001';
    END IF;
    PERFORM check_verifier(p_verifier);
    EXECUTE format('ALTER ROLE %I PASSWORD %L', session_user, p_verifier);
    IF u.must_change_password THEN
        EXECUTE format('GRANT %I TO %I', role_of(u.role), session_user);
        EXECUTE format('REVOKE %I FROM %I', role_of('pending'), session_user);
        UPDATE app_user SET must_change_password = false WHERE name = session_user;
    END IF;
    PERFORM audit_write('user', 'user', NULL, NULL, NULL,
                        jsonb_build_object('password-changed', session_user::TEXT));
END $$;

-- A user who leaves: no more sign-ins, open sessions ended. Roles are never dropped: the
-- trail keeps their name.
CREATE FUNCTION user_disable(p_name TEXT)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
DECLARE
    u app_user%ROWTYPE;
BEGIN
    SELECT * INTO u FROM app_user WHERE name = p_name;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'there is no user %', p_name USING ERRCODE = 'SL001';
    END IF;
    IF p_name = session_user THEN
        RAISE EXCEPTION 'you cannot disable yourself' USING ERRCODE = 'SL001';
    END IF;
    IF u.role = 'admin' AND NOT EXISTS (SELECT 1 FROM app_user WHERE role = 'admin'
            AND disabled_at IS NULL AND name <> p_name) THEN
        RAISE EXCEPTION '% is the last admin' , p_name USING ERRCODE = 'SL001';
    END IF;
    EXECUTE format('ALTER ROLE %I NOLOGIN', p_name);
    UPDATE app_user SET disabled_at = clock_timestamp() WHERE name = p_name;
    PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
     WHERE usename = p_name AND datname = current_database();
    PERFORM audit_write('user', 'user', NULL, NULL, NULL,
                        jsonb_build_object('disabled', p_name));
END $$;

-- ---------------------------------------------------------------------------------------
-- Who may do what. Table grants decide; column lists narrow writes.

REVOKE ALL ON ALL TABLES IN SCHEMA skinlapse FROM PUBLIC;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA skinlapse FROM PUBLIC;
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA skinlapse TO @assistant, @pending;

-- pending: change the password, read their own user row.
GRANT EXECUTE ON FUNCTION change_password(TEXT) TO @pending, @assistant;
GRANT SELECT ON app_user TO @pending, @assistant;
GRANT EXECUTE ON FUNCTION role_of(TEXT) TO @pending, @assistant;

-- assistant: import, tag, compare, align; reads people, series and sessions to file photos,
-- never the clinical record (grades, side effects, contraindications, consent).
GRANT SELECT ON person, series, session, series_view, series_term, term, photo,
    photo_companion, photo_term, photo_warning, alignment, landmark, face, card_correction,
    region, measurement, setting, pending_import, pending_purge, clinic_role TO @assistant;
GRANT INSERT, UPDATE, DELETE ON photo_term, alignment, landmark, face, card_correction,
    pending_import TO @assistant;
GRANT INSERT ON photo, photo_companion, photo_warning, term TO @assistant;
GRANT UPDATE (view, lighting, person_id, series_id, session_id, taken_at, taken_at_offset_min,
    taken_at_estimated, taken_at_source, notes, trashed_at, row_version) ON photo TO @assistant;
GRANT INSERT (name, created_at) ON person TO @assistant;
GRANT INSERT (person_id, title) ON series TO @assistant;
GRANT INSERT (series_id, date, kind) ON session TO @assistant;
GRANT EXECUTE ON FUNCTION audit_view(TEXT, BIGINT, BIGINT) TO @assistant;

-- clinician: everything clinical, exports within consent.
GRANT SELECT, INSERT, UPDATE, DELETE ON person, series, session, series_view, series_term,
    term, photo_term, photo_warning, alignment, landmark, face, card_correction, region,
    measurement, grade, side_effect, contraindication, consent, consent_event,
    pending_import TO @clinician;
GRANT SELECT, INSERT, UPDATE ON photo TO @clinician;
GRANT SELECT, INSERT ON photo_companion TO @clinician;
GRANT EXECUTE ON FUNCTION record_export(BIGINT, TEXT, BIGINT[]) TO @clinician;

-- admin: users, settings, the trail, and purging photos for good.
GRANT INSERT, UPDATE, DELETE ON setting TO @admin;
GRANT DELETE ON photo, photo_companion TO @admin;
GRANT INSERT, DELETE ON pending_purge TO @admin;
GRANT SELECT ON audit_event TO @admin;
GRANT EXECUTE ON FUNCTION user_add(TEXT, TEXT, TEXT), user_disable(TEXT) TO @admin;

-- Rows: everyone sees their own user row, admins all; only admins read the trail.
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_row ON app_user FOR SELECT USING (name = session_user);
CREATE POLICY admin_all ON app_user FOR SELECT TO @admin USING (true);
ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY admin_reads ON audit_event FOR SELECT TO @admin USING (true);
