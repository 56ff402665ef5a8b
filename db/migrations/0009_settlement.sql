-- Procura schema version 9: settlement batches (settlement/batches/, docs/settlement.md).
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Rules held here, beside the service's checks (settlement/batches/rules.hpp):
-- - buyer_bank_accounts: one bank account per procuring entity (tenders.buyer_id). Its id is
--   the owner_id of the buyer's ledger accounts (money_accounts.owner_kind 'buyer').
-- - settlement_batches: prepared, then approved by another finance user, then executing (an
--   execution started and recorded in its own commit), then executed.
-- - settlement_items: what a batch settles, chosen at preparation and frozen, numbered from 1.
--   source_key names the milestone or deposit settled. It is unique, so an item is taken by
--   at most one batch ever, even by two racing preparations. Payee and payer bank details are
--   copied at preparation, so the bank file depends only on stored rows.
-- - settlement_files: the bank files written at execution, with their SHA-256.

CREATE TABLE buyer_bank_accounts (
    id BIGINT NOT NULL AUTO_INCREMENT,
    buyer_id VARCHAR(500) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    name VARCHAR(140) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    iban VARCHAR(34) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    bic VARCHAR(11) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    version BIGINT NOT NULL,
    updated_by BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY buyer_bank_accounts_buyer (buyer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE settlement_batches (
    id BIGINT NOT NULL AUTO_INCREMENT,
    state VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    version BIGINT NOT NULL,
    cutoff_ms BIGINT NOT NULL,
    item_count INT NOT NULL,
    skipped_json MEDIUMTEXT NOT NULL,
    prepared_by BIGINT NOT NULL,
    prepared_at_ms BIGINT NOT NULL,
    approved_by BIGINT NULL,
    approved_at_ms BIGINT NULL,
    execute_started_by BIGINT NULL,
    execute_started_at_ms BIGINT NULL,
    executed_by BIGINT NULL,
    executed_at_ms BIGINT NULL,
    cancelled_by BIGINT NULL,
    cancelled_at_ms BIGINT NULL,
    cancel_reason VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NULL,
    PRIMARY KEY (id),
    KEY settlement_batches_state (state, id),
    CONSTRAINT settlement_batches_state_known CHECK (state IN ('prepared', 'approved', 'executing', 'executed', 'cancelled'))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE settlement_items (
    batch_id BIGINT NOT NULL,
    number INT NOT NULL,
    kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    source_key VARCHAR(96) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    tender_id BIGINT NOT NULL,
    lot_id BIGINT NOT NULL,
    supplier_id BIGINT NOT NULL,
    contract_id BIGINT NOT NULL,
    milestone_id BIGINT NOT NULL,
    pending_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    buyer_account_id BIGINT NOT NULL,
    debtor_name VARCHAR(140) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    debtor_iban VARCHAR(34) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    debtor_bic VARCHAR(11) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    creditor_name VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    creditor_iban VARCHAR(34) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    creditor_bic VARCHAR(11) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    remittance VARCHAR(140) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    PRIMARY KEY (batch_id, number),
    UNIQUE KEY settlement_items_source (source_key),
    CONSTRAINT settlement_items_batch_fk FOREIGN KEY (batch_id) REFERENCES settlement_batches (id),
    CONSTRAINT settlement_items_kind_known CHECK (kind IN ('payment', 'refund', 'forfeit')),
    CONSTRAINT settlement_items_amount_positive CHECK (amount_minor > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE settlement_files (
    id BIGINT NOT NULL AUTO_INCREMENT,
    batch_id BIGINT NOT NULL,
    number INT NOT NULL,
    buyer_account_id BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    message_id VARCHAR(35) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    payment_count INT NOT NULL,
    control_sum_minor BIGINT NOT NULL,
    xml LONGBLOB NOT NULL,
    sha256 CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY settlement_files_number (batch_id, number),
    UNIQUE KEY settlement_files_message (message_id),
    CONSTRAINT settlement_files_batch_fk FOREIGN KEY (batch_id) REFERENCES settlement_batches (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
