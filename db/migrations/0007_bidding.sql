-- Procura schema version 7: sealed bids, the tenders' opening keys, and opening records
-- (bidding/).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Nothing here is readable before the opening: a bid body is the DER CMS SignedData exactly as
-- received, whose content is sealed to the tender's opening certificate, and an opening-key
-- share is sealed to its committee member's certificate. The opening key itself is never
-- stored. Decrypted bid documents appear only in bid_openings, written at the opening.
-- One active bid per (tender, supplier, lot): active_key is the triple while the bid is active
-- and NULL otherwise, and it is unique. A body is received once per tender (tender_id, sha256).

CREATE TABLE tender_opening_keys (
    tender_id BIGINT NOT NULL,
    certificate_pem TEXT CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    threshold INT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tender_id),
    CONSTRAINT tender_opening_keys_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
) ENGINE = InnoDB;

CREATE TABLE tender_opening_shares (
    tender_id BIGINT NOT NULL,
    member_user_id BIGINT NOT NULL,
    number INT NOT NULL,
    envelope_der BLOB NOT NULL,
    PRIMARY KEY (tender_id, member_user_id),
    CONSTRAINT tender_opening_shares_key_fk FOREIGN KEY (tender_id)
        REFERENCES tender_opening_keys (tender_id)
) ENGINE = InnoDB;

CREATE TABLE bids (
    id BIGINT NOT NULL AUTO_INCREMENT,
    tender_id BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    body LONGBLOB NOT NULL,
    sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    received_at_ms BIGINT NOT NULL,
    timestamp_token BLOB NOT NULL,
    log_seq BIGINT NOT NULL,
    state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    withdrawn_at_ms BIGINT NULL,
    active_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin
        AS (IF(state = 'active', CONCAT(tender_id, ':', supplier_id, ':', lot_id), NULL)) PERSISTENT,
    PRIMARY KEY (id),
    UNIQUE KEY bids_body (tender_id, sha256),
    UNIQUE KEY bids_active (active_key),
    KEY bids_supplier (tender_id, supplier_id, lot_id, version),
    CONSTRAINT bids_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id),
    CONSTRAINT bids_supplier_fk FOREIGN KEY (supplier_id) REFERENCES users (id)
) ENGINE = InnoDB;

CREATE TABLE tender_openings (
    tender_id BIGINT NOT NULL,
    opened_at_ms BIGINT NOT NULL,
    PRIMARY KEY (tender_id),
    CONSTRAINT tender_openings_tender_fk FOREIGN KEY (tender_id) REFERENCES tenders (id)
) ENGINE = InnoDB;

CREATE TABLE bid_openings (
    bid_id BIGINT NOT NULL,
    tender_id BIGINT NOT NULL,
    valid BOOLEAN NOT NULL,
    reason_code VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    reason VARCHAR(1024) NOT NULL,
    signature_status VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    decryption_status VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    price_minor BIGINT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NULL,
    document_json MEDIUMTEXT NOT NULL,
    PRIMARY KEY (bid_id),
    KEY bid_openings_tender (tender_id),
    CONSTRAINT bid_openings_bid_fk FOREIGN KEY (bid_id) REFERENCES bids (id),
    CONSTRAINT bid_openings_opening_fk FOREIGN KEY (tender_id) REFERENCES tender_openings (tender_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
