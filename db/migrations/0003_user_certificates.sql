-- Procura schema version 3: the certificates the platform CA issues to users from their
-- PKCS#10 requests (pki/), with their revocations.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Invariants, held by the database itself so that two racing requests cannot break them:
-- - At most one active (unrevoked) certificate per user: active_user_id is the user id while
--   the certificate is unrevoked and NULL once it is revoked, and it is unique (NULLs do not
--   collide in a unique index).
-- - A public key is registered once, across all users and all time (spki_sha256 unique): a
--   key that was revoked, or that belongs to someone else, cannot come back.
-- - Revocation is one-way: the application only ever sets revoked_at_ms, revocation_reason
--   and revoked_by together, from NULL to a value.
-- Expiry is not stored as a state: a certificate is expired when not_after_ms has passed.

CREATE TABLE user_certificates (
    id BIGINT NOT NULL AUTO_INCREMENT,
    serial_hex VARCHAR(40) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id BIGINT NOT NULL,
    subject VARCHAR(512) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    spki_sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    pem TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    not_before_ms BIGINT NOT NULL,
    not_after_ms BIGINT NOT NULL,
    issued_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT NULL,
    revocation_reason VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
    revoked_by BIGINT NULL,
    active_user_id BIGINT AS (IF(revoked_at_ms IS NULL, user_id, NULL)) PERSISTENT,
    PRIMARY KEY (id),
    UNIQUE KEY user_certificates_serial (serial_hex),
    UNIQUE KEY user_certificates_spki (spki_sha256),
    UNIQUE KEY user_certificates_active (active_user_id),
    KEY user_certificates_user (user_id, id),
    CONSTRAINT user_certificates_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT user_certificates_revoker_fk FOREIGN KEY (revoked_by) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
