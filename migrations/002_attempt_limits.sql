-- Attempt limits (NIST SP 800-63B section 5.2.2): consecutive failed
-- password and TOTP attempts per account, and the time before which the
-- account may not be tried again ('infinity' after the hard limit, until an
-- operator runs `telehealth user unlock`).
ALTER TABLE users
  ADD COLUMN failed_attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN locked_until timestamptz;
