-- Procura schema version 1: migration bookkeeping, users and sessions, tenders with their
-- lots, committee, documents, amendments and questions, and the audit event chain.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Conventions: InnoDB, utf8mb4. Instants are BIGINT milliseconds since the Unix epoch (UTC),
-- NULL where optional. Enumerations are stored as their lower-case names (the to_string
-- spellings of the C++ enums) in ASCII columns. Money is BIGINT minor units. Text that is
-- searched case-insensitively uses utf8mb4_unicode_ci, while identifiers, hashes and anything
-- compared exactly use a binary collation. No foreign keys point from tender tables to users:
-- modules own their tables, and user ids are checked by the services.

CREATE TABLE schema_migrations (
    version INT NOT NULL,
    name VARCHAR(255) NOT NULL,
    checksum CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    applied_at_ms BIGINT NOT NULL,
    PRIMARY KEY (version)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE users (
    id BIGINT NOT NULL AUTO_INCREMENT,
    username VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    role VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    password_hash VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_username (username)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE sessions (
    token_hash CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    user_id BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    PRIMARY KEY (token_hash),
    KEY sessions_expires_at (expires_at_ms),
    KEY sessions_user (user_id),
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = ascii COLLATE = ascii_bin;

-- The stored lifecycle state is draft, published or cancelled (later modules add more),
-- statuses such as active.tendering are derived from the deadlines at read time.
-- The list query walks (state, id) or (state, category, id) backwards, newest first, and
-- stops after one page, without sorting.
CREATE TABLE tenders (
    id BIGINT NOT NULL AUTO_INCREMENT,
    version BIGINT NOT NULL,
    state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    title VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    description MEDIUMTEXT NOT NULL,
    buyer_name VARCHAR(500) NOT NULL,
    buyer_id VARCHAR(500) NOT NULL,
    category VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NULL,
    currency VARCHAR(8) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    evaluation_method VARCHAR(32) CHARACTER SET ascii COLLATE ascii_bin NULL,
    price_weight BIGINT NOT NULL,
    technical_weight BIGINT NOT NULL,
    bid_security_minor BIGINT NOT NULL,
    enquiry_deadline_ms BIGINT NULL,
    submission_deadline_ms BIGINT NULL,
    opening_time_ms BIGINT NULL,
    threshold_k BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    published_at_ms BIGINT NULL,
    cancelled_at_ms BIGINT NULL,
    cancel_reason TEXT NOT NULL,
    PRIMARY KEY (id),
    KEY tenders_state_id (state, id),
    KEY tenders_state_category_id (state, category, id),
    KEY tenders_state_submission (state, submission_deadline_ms),
    KEY tenders_category_id (category, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE tender_lots (
    tender_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    title VARCHAR(1000) NOT NULL,
    budget_minor BIGINT NOT NULL,
    PRIMARY KEY (tender_id, number),
    CONSTRAINT tender_lots_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Committee members in the order given, position is 1..n.
CREATE TABLE tender_committee (
    tender_id BIGINT NOT NULL,
    position INT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (tender_id, position),
    KEY tender_committee_user (user_id),
    CONSTRAINT tender_committee_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
        ON DELETE CASCADE
) ENGINE = InnoDB;

-- Document bytes live beside their metadata, but the list of a tender's documents never reads
-- the content column.
CREATE TABLE tender_documents (
    id BIGINT NOT NULL AUTO_INCREMENT,
    tender_id BIGINT NOT NULL,
    title VARCHAR(1000) NOT NULL,
    filename VARCHAR(1000) NOT NULL,
    content_type VARCHAR(255) NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    uploaded_at_ms BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL,
    content LONGBLOB NOT NULL,
    PRIMARY KEY (id),
    KEY tender_documents_tender (tender_id, id),
    CONSTRAINT tender_documents_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE tender_amendments (
    tender_id BIGINT NOT NULL,
    number BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    by_user BIGINT NOT NULL,
    rationale TEXT NOT NULL,
    changes_json MEDIUMTEXT NOT NULL,
    tender_version BIGINT NOT NULL,
    deadline_extended_from_ms BIGINT NULL,
    deadline_extended_to_ms BIGINT NULL,
    PRIMARY KEY (tender_id, number),
    CONSTRAINT tender_amendments_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE tender_questions (
    id BIGINT NOT NULL AUTO_INCREMENT,
    tender_id BIGINT NOT NULL,
    asker_id BIGINT NOT NULL,
    text TEXT NOT NULL,
    asked_at_ms BIGINT NOT NULL,
    answer TEXT NULL,
    answered_at_ms BIGINT NULL,
    answered_by BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (id),
    KEY tender_questions_tender (tender_id, id),
    CONSTRAINT tender_questions_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
        ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The audit chain (core/audit.hpp). Rows are written only by db/audit_sql.cpp: seq is
-- head.seq + 1 under the audit_head row lock, hash = SHA-256(prev_hash || canonical bytes).
-- Text columns are binary-collated so that the bytes read back are exactly the bytes hashed.
CREATE TABLE audit_events (
    seq BIGINT NOT NULL,
    at_ms BIGINT NOT NULL,
    actor_user_id BIGINT NOT NULL,
    action VARCHAR(128) NOT NULL,
    entity_type VARCHAR(64) NOT NULL,
    entity_id BIGINT NOT NULL,
    entity_version BIGINT NOT NULL,
    payload_json MEDIUMTEXT NOT NULL,
    prev_hash BINARY(32) NOT NULL,
    hash BINARY(32) NOT NULL,
    PRIMARY KEY (seq),
    KEY audit_events_entity (entity_type, entity_id, seq)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The chain's head: exactly one row, id 1. seq 0 and 32 zero bytes before the first event.
CREATE TABLE audit_head (
    id TINYINT NOT NULL,
    seq BIGINT NOT NULL,
    hash BINARY(32) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT audit_head_single_row CHECK (id = 1)
) ENGINE = InnoDB;

INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, UNHEX(REPEAT('00', 32)));
