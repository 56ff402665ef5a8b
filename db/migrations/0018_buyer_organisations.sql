-- Procura schema version 18: buyer organisations (procuring entities) and their officers
-- (issue 16, buyer organisations, in buyers/ and docs/security.md). A tender's buyer_id names one
-- of these records by its identifier, and only the buyer's member officers may act on the tender.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Rules held here, beside the service's checks (buyers/service.hpp):
-- - buyers: one row per procuring entity, identifier unique and never changed, version +1 on
--   every change, membership included (buyers/mysql_store.cpp, the only writer).
-- - buyer_officers: who acts for which buyer, each (buyer, user) once.

CREATE TABLE buyers (
    id BIGINT NOT NULL AUTO_INCREMENT,
    identifier VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    legal_name VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    address VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    version BIGINT NOT NULL,
    created_by BIGINT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY buyers_identifier (identifier)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE buyer_officers (
    buyer_id BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    added_by BIGINT NOT NULL,
    added_at_ms BIGINT NOT NULL,
    PRIMARY KEY (buyer_id, user_id),
    KEY buyer_officers_user (user_id, buyer_id),
    CONSTRAINT buyer_officers_buyer_fk FOREIGN KEY (buyer_id) REFERENCES buyers (id),
    CONSTRAINT buyer_officers_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Tenders made before this version named their buyer by free text: each distinct non-empty
-- buyer_id becomes a buyer record (legal name as the newest tender gave it, no address), and
-- each officer who created one of its tenders a member, so that nobody loses a tender he ran.
-- An administrator completes the addresses afterwards. A draft without a buyer_id belongs to
-- nobody and can only stay a draft.
INSERT INTO buyers (identifier, legal_name, address, version, created_by, created_at_ms, updated_at_ms)
SELECT t.buyer_id, t.buyer_name, '', 1, 0, t.created_at_ms, t.created_at_ms
FROM tenders t
JOIN (SELECT buyer_id, MAX(id) AS newest FROM tenders WHERE buyer_id <> '' GROUP BY buyer_id) n
    ON n.newest = t.id;

INSERT INTO buyer_officers (buyer_id, user_id, added_by, added_at_ms)
SELECT b.id, t.created_by, 0, MIN(t.created_at_ms)
FROM tenders t
JOIN buyers b ON b.identifier = t.buyer_id
JOIN users u ON u.id = t.created_by
GROUP BY b.id, t.created_by;
