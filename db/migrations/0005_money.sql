-- Procura schema version 5: the double-entry money ledger (money/): accounts with their
-- balances and transfers between them.
--
-- Statement splitting: db/migrate.cpp cuts this file into statements at every semicolon that
-- ends a line (trailing blanks allowed) and sends them one by one. So: end every statement
-- with a semicolon at the end of its line, and never write a semicolon inside a string
-- literal or a comment.
--
-- Rules held here, beside the service's checks (money/rules.hpp):
-- - Amounts and balances are BIGINT minor units: amounts above zero, balances never negative.
-- - One account per owner, owner id, currency and kind.
-- - A transfer's client id (transfer_key) is stored once: the idempotency key.
-- - A pending transfer is posted or voided at most once: pending_key is unique among the
--   post and void rows that name it. A pending transfer's state is derived from that row.
-- - A transfer never debits and credits the same account.
-- Balances change only in the transaction that inserts the transfers, which also appends one
-- audit event per transfer (entity_type 'transfer', entity_id = money_transfers.id).

CREATE TABLE money_accounts (
    id BIGINT NOT NULL AUTO_INCREMENT,
    owner_kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    owner_id BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    debits_must_not_exceed_credits BOOLEAN NOT NULL,
    credits_must_not_exceed_debits BOOLEAN NOT NULL,
    debits_pending BIGINT NOT NULL DEFAULT 0,
    debits_posted BIGINT NOT NULL DEFAULT 0,
    credits_pending BIGINT NOT NULL DEFAULT 0,
    credits_posted BIGINT NOT NULL DEFAULT 0,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY money_accounts_owner (owner_kind, owner_id, currency, kind),
    CONSTRAINT money_accounts_balances_not_negative CHECK (debits_pending >= 0 AND debits_posted >= 0 AND credits_pending >= 0 AND credits_posted >= 0),
    CONSTRAINT money_accounts_flags CHECK (NOT (debits_must_not_exceed_credits AND credits_must_not_exceed_debits))
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE money_transfers (
    id BIGINT NOT NULL AUTO_INCREMENT,
    transfer_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    kind VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    debit_account_id BIGINT NOT NULL,
    credit_account_id BIGINT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency CHAR(3) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    pending_key VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NULL,
    code INT NOT NULL,
    reference VARCHAR(128) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    batch_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY money_transfers_key (transfer_key),
    UNIQUE KEY money_transfers_pending (pending_key),
    KEY money_transfers_debit (debit_account_id),
    KEY money_transfers_credit (credit_account_id),
    CONSTRAINT money_transfers_debit_fk FOREIGN KEY (debit_account_id) REFERENCES money_accounts (id),
    CONSTRAINT money_transfers_credit_fk FOREIGN KEY (credit_account_id) REFERENCES money_accounts (id),
    CONSTRAINT money_transfers_pending_fk FOREIGN KEY (pending_key) REFERENCES money_transfers (transfer_key),
    CONSTRAINT money_transfers_amount_positive CHECK (amount_minor > 0),
    CONSTRAINT money_transfers_two_accounts CHECK (debit_account_id <> credit_account_id),
    CONSTRAINT money_transfers_code CHECK (code BETWEEN 0 AND 65535)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
