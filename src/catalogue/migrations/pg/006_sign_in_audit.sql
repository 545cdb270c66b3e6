-- The audit trail, completed: sign-ins and sign-outs, "create" and "import" told apart from
-- "edit", the idle time checked by the database, and the trail read a page at a time.
--
-- Runs as the clinic's owner role; role tokens as in 002_clinic.sql. Idempotent (a clinic
-- whose version record was lost runs it again).

SET search_path = skinlapse, pg_temp;

-- New actions: a new row made by hand is "create" (an import's rows stay "import"), and a
-- person leaving the app is "sign-out". Checking the rows already there reads them, it
-- changes none (the trail's triggers refuse changes, not this).
ALTER TABLE audit_event DROP CONSTRAINT IF EXISTS audit_event_action_check;
ALTER TABLE audit_event ADD CONSTRAINT audit_event_action_check
    CHECK (action IN ('view', 'edit', 'create', 'import', 'export', 'consent', 'delete',
                      'sign-in', 'sign-out', 'user', 'settings'));

-- The trail is read newest first, a page at a time, by time and then id (keyset paging),
-- for everyone or for one user or one patient.
DROP INDEX IF EXISTS audit_by_at;
DROP INDEX IF EXISTS audit_by_user;
DROP INDEX IF EXISTS audit_by_patient_name;
CREATE INDEX audit_by_at ON audit_event (at, id);
CREATE INDEX audit_by_user ON audit_event (user_name, at, id);
CREATE INDEX audit_by_patient_name ON audit_event (lower(person_name), at, id);

-- A person signed in (the app's sign-in window, or a command's --user) or out (by hand, or
-- after the clinic's idle time). Once per sign-in of a person, not per connection: each of
-- the app's threads opens its own. User, time, workstation and address come from the
-- session, never from the caller, so nobody can record a sign-in as someone else; the worst
-- a user can do from psql is record one more of their own.
--
-- Failed sign-ins are not here: a wrong password never gets a session that could call this,
-- and a function callable without signing in would let anyone write the trail. The server's
-- own log has them (PostgreSQL logs every failed password with the user name and address).
CREATE OR REPLACE FUNCTION record_sign_in(p_via TEXT)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
BEGIN
    IF p_via NOT IN ('app', 'command') THEN
        RAISE EXCEPTION 'a sign-in is through the app or a command, not "%"', p_via
            USING ERRCODE = 'SL001';
    END IF;
    PERFORM audit_write('sign-in', p_via, NULL, NULL, NULL,
        CASE WHEN EXISTS (SELECT 1 FROM app_user WHERE name = session_user
                                                   AND must_change_password)
             THEN jsonb_build_object('must_change_password', true) END);
END $$;

-- Why: 'signed out' (the Sign out button), 'idle' (after p_idle_minutes without input) or
-- 'quit' (the app was closed while signed in).
CREATE OR REPLACE FUNCTION record_sign_out(p_reason TEXT, p_idle_minutes INTEGER)
    RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = skinlapse, pg_temp AS $$
BEGIN
    IF p_reason NOT IN ('signed out', 'idle', 'quit') THEN
        RAISE EXCEPTION 'a sign-out is signed out, idle or quit, not "%"', p_reason
            USING ERRCODE = 'SL001';
    END IF;
    PERFORM audit_write('sign-out', 'app', NULL, NULL, NULL,
        CASE WHEN p_reason = 'idle'
             THEN jsonb_build_object('reason', p_reason, 'idle_minutes', p_idle_minutes)
             ELSE jsonb_build_object('reason', p_reason) END);
END $$;

REVOKE ALL ON FUNCTION record_sign_in(TEXT), record_sign_out(TEXT, INTEGER) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION record_sign_in(TEXT), record_sign_out(TEXT, INTEGER)
    TO @assistant, @pending;

-- Every edit, import, delete and consent change, as 002 recorded them, with what happened
-- named: a new row is "create", or "import" when an import made it (a photo and its
-- companion always; anything else when the importing transaction says so with
-- `skinlapse.importing`, which can only turn a "create" into an "import"); a change of a
-- setting names the setting.
CREATE OR REPLACE FUNCTION audit_change() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
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
        IF TG_TABLE_NAME = 'setting' THEN
            detail := jsonb_build_object('key', r->'key') || detail;
        END IF;
    ELSE
        detail := r - 'landmarks' - 'original_name_raw';
    END IF;
    act := CASE
        WHEN TG_TABLE_NAME IN ('consent', 'consent_event') THEN 'consent'
        WHEN TG_TABLE_NAME = 'setting' THEN 'settings'
        WHEN TG_OP = 'DELETE' THEN 'delete'
        WHEN TG_OP = 'UPDATE' THEN 'edit'
        WHEN TG_TABLE_NAME IN ('photo', 'photo_companion')
             OR current_setting('skinlapse.importing', true) = 'on' THEN 'import'
        ELSE 'create' END;
    PERFORM audit_write(act, TG_TABLE_NAME,
        coalesce((r->>'id')::BIGINT, (r->>'photo_id')::BIGINT, (r->>'series_id')::BIGINT,
                 (r->>'person_id')::BIGINT),
        person_of(TG_TABLE_NAME, r), nullif(current_setting('skinlapse.purpose', true), ''),
        detail);
    RETURN NULL;
END $$;

-- The idle time after which the app signs out is a whole number of minutes, 1 to 480 (the
-- app checks it first, in a sentence; this holds for psql too). Rows from before are not
-- checked (NOT VALID): the app ignores a value it cannot use and keeps 15 minutes.
ALTER TABLE setting DROP CONSTRAINT IF EXISTS idle_timeout_minutes_range;
ALTER TABLE setting ADD CONSTRAINT idle_timeout_minutes_range CHECK (
    key <> 'idle_timeout_minutes'
    OR CASE WHEN value ~ '^[0-9]{1,3}$' THEN value::INTEGER BETWEEN 1 AND 480 ELSE false END
) NOT VALID;
