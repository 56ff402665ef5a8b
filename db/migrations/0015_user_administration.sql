-- Procura schema version 15: user administration by an admin (issue 16): a version per user
-- for optimistic checks, and one-time password reset codes.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- users.version starts at 1 and rises by one with every change of the row (role, active flag,
-- password), so that a role change names the version it was decided on. A user created
-- without a password has an empty password_hash, which matches no password: it logs in only
-- after setting one with a reset code.
--
-- A reset code is 256 random bits shown once to the admin who issued it, only its SHA-256
-- (lower-case hex) is stored. used_at_ms is NULL until the code sets a password, after which
-- the row stays as the record of its use. Issuing a new code for a user deletes that user's
-- unused ones, and so does deactivating the user. Written only by auth/mysql_store.cpp.

ALTER TABLE users
    ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

CREATE TABLE password_resets (
    code_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    used_at_ms BIGINT NULL,
    PRIMARY KEY (code_hash),
    KEY password_resets_user (user_id),
    CONSTRAINT password_resets_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin;
