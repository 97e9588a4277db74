-- Whether a user has a passkey, kept on the users row so that every session
-- check sees all of the user's second factors (TOTP or passkey) without a
-- join. A trigger keeps it in step with webauthn_credentials, whichever code
-- adds or removes a credential.
ALTER TABLE users ADD COLUMN has_passkey boolean NOT NULL DEFAULT false;

UPDATE users u
   SET has_passkey = EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = u.id);

CREATE FUNCTION users_sync_has_passkey() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  owner uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN
    owner := OLD.user_id;
  ELSE
    owner := NEW.user_id;
  END IF;
  UPDATE users
     SET has_passkey = EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = owner)
   WHERE id = owner;
  RETURN NULL;
END;
$$;

CREATE TRIGGER webauthn_credentials_sync_has_passkey
  AFTER INSERT OR DELETE ON webauthn_credentials
  FOR EACH ROW EXECUTE FUNCTION users_sync_has_passkey();
