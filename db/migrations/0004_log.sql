-- Procura schema version 4: the verifiable audit log (ledger/), an RFC 6962 Merkle tree over
-- audit_events. Leaf i is the event with seq = i + 1, and its hash is SHA-256(0x00 || the event's
-- canonical bytes, docs/audit-log.md).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- log_nodes holds every perfect subtree of the tree: level L, index i is the hash of leaves
-- i * 2^L to (i + 1) * 2^L - 1 (level 0: the leaf hashes). A perfect subtree never changes
-- once complete, so rows are only ever inserted, and any root or proof of any size up to the
-- latest head combines O(log n) of them.
-- log_heads holds the signed tree heads, one per size, in the order they were signed. The
-- sequencer (one writer, serialised by the head row's primary key) signs a head only after
-- checking that it extends the previous one.

CREATE TABLE log_nodes (
    level TINYINT UNSIGNED NOT NULL,
    idx BIGINT UNSIGNED NOT NULL,
    hash BINARY(32) NOT NULL,
    PRIMARY KEY (level, idx),
    KEY log_nodes_hash (hash)
) ENGINE = InnoDB;

CREATE TABLE log_heads (
    tree_size BIGINT UNSIGNED NOT NULL,
    root_hash BINARY(32) NOT NULL,
    timestamp_ms BIGINT NOT NULL,
    signature VARBINARY(128) NOT NULL,
    PRIMARY KEY (tree_size)
) ENGINE = InnoDB;
