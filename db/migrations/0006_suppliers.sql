-- Procura schema version 6: the supplier registry (suppliers/), one row per registered
-- organisation, linked to its login user.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Rules held here, beside the service's checks (suppliers/rules.hpp):
-- - A registration number (normalised: trimmed, upper case) is registered once, across all
--   suppliers and all time, whatever their status (suppliers_registration_number).
-- - A user is the login of at most one supplier (suppliers_user).
-- - status is pending, approved or rejected. The application moves it from pending only,
--   setting reviewed_by and reviewed_at_ms with it (and rejection_reason for a rejection),
--   inside the transaction that also activates the user on approval and appends the audit
--   events (entity_type 'supplier', entity_id = suppliers.id).
-- The user row is created inactive in the same transaction as the supplier row.

CREATE TABLE suppliers (
    id BIGINT NOT NULL AUTO_INCREMENT,
    user_id BIGINT NOT NULL,
    organisation_name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    registration_number VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    street VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    postal_code VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    city VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    country CHAR(2) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    contact_name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    contact_email VARCHAR(254) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    contact_phone VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    iban VARCHAR(34) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bic VARCHAR(11) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    status VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    registered_at_ms BIGINT NOT NULL,
    reviewed_by BIGINT NULL,
    reviewed_at_ms BIGINT NULL,
    rejection_reason VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    PRIMARY KEY (id),
    UNIQUE KEY suppliers_registration_number (registration_number),
    UNIQUE KEY suppliers_user (user_id),
    KEY suppliers_status (status, id),
    CONSTRAINT suppliers_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT suppliers_reviewer_fk FOREIGN KEY (reviewed_by) REFERENCES users (id),
    CONSTRAINT suppliers_status_known CHECK (status IN ('pending', 'approved', 'rejected'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
